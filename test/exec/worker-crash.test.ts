import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import { projectRoot } from '../../src/util/paths.js'
import { testRedisUrl } from '../fixtures/redis.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml, sharedBlurRecipe } from './plans.js'

const root = projectRoot()
const cli = join(root, 'dist', 'src', 'cli', 'main.js')
const node = join(root, 'node_modules', '.bin', 'node')

/** `artdag worker` as a separate process, on the test node's Redis and joined to its mesh */
async function startWorkerProcess (t: TestNode, dir: string): Promise<ChildProcess> {
  const child = spawn(node, [cli, 'worker', '--redis', testRedisUrl()], {
    env: {
      ...process.env,
      ARTDAG_DATA_DIR: dir,
      ARTDAG_REDIS_PREFIX: t.node.config.redisPrefix,
      ARTDAG_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ARTDAG_BOOTSTRAP: t.node.mesh.multiaddrs()[0],
      ARTDAG_WORKERS: '1',
      ARTDAG_CLAIM_LEASE_MS: String(t.node.config.claimLeaseMs),
      LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'ignore', 'pipe']
  })
  child.stderr?.on('data', (d: Buffer) => { process.stderr.write(`[worker ${child.pid}] ${d.toString()}`) })
  return child
}

describe('a worker killed mid-step', () => {
  let t: TestNode
  let dirs: string[] = []
  const children: ChildProcess[] = []

  beforeAll(async () => {
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)')
    t = await startTestNode({ workers: 0, claimLeaseMs: 1000 })
  })

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL')
    await t?.stop()
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('should leave the run to complete on another worker', async () => {
    dirs = await Promise.all([1, 2, 3].map(async () => await mkdtemp(join(tmpdir(), 'artdag-worker-'))))
    const slow = join(dirs[2]!, 'slow.mp4')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', slow])
    const clip = (await t.node.store.addFile(slow)).cid
    const plan = planYaml(sharedBlurRecipe(7, 40), [clip], t.node.effects)
    const blurred = plan.steps.find((s) => s.id === 'blurred')!

    const first = await startWorkerProcess(t, dirs[0]!)
    children.push(first)
    const run = await t.node.orchestrator.submit(plan)

    // wait until the first worker owns the slow step, then kill it without warning
    const deadline = Date.now() + 60_000
    for (;;) {
      const owner = await t.node.state.claims.owner(blurred.cacheId)
      if (owner != null && owner.includes(`:${first.pid}`)) break
      if (Date.now() > deadline) throw new Error('the worker never claimed the step')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    first.kill('SIGKILL')

    const second = await startWorkerProcess(t, dirs[1]!)
    children.push(second)
    const done = await t.node.orchestrator.waitFor(run.id)
    expect(done.status, done.error).toBe('completed')
    const step = done.steps.find((s) => s.id === 'blurred')!
    expect(step.status).toBe('completed')
    expect(step.worker).toContain(`:${second.pid}:`)
    // the output came over the mesh from the worker's Helia and is now held here
    expect(await t.node.store.has(done.outputCid!)).toBe(true)
    expect(await t.node.state.claims.owner(blurred.cacheId)).toBeUndefined()
  }, 240_000)
})

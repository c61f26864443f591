import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import { projectRoot } from '../../src/util/paths.js'
import { startWorkerProcess } from '../fixtures/worker-process.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml, sharedBlurRecipe } from './plans.js'

const cli = join(projectRoot(), 'dist', 'src', 'cli', 'main.js')

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

    const first = startWorkerProcess(t, dirs[0]!)
    children.push(first)
    const { run } = await t.node.orchestrator.submit(plan)

    // wait until the first worker owns the slow step, then kill it without warning
    const deadline = Date.now() + 60_000
    for (;;) {
      const owner = await t.node.orchestrator.stepOwner(blurred.cacheId)
      if (owner != null && owner.includes(`:${first.pid}`)) break
      if (Date.now() > deadline) throw new Error('the worker never claimed the step')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    first.kill('SIGKILL')

    const second = startWorkerProcess(t, dirs[1]!)
    children.push(second)
    const done = await t.node.orchestrator.waitFor(run.id)
    expect(done.status, done.error).toBe('completed')
    const step = done.steps.find((s) => s.id === 'blurred')!
    expect(step.status).toBe('completed')
    expect(step.worker).toContain(`:${second.pid}:`)
    // the output came over the mesh from the worker's Helia and is now held here
    expect(await t.node.store.has(done.outputCid!)).toBe(true)
    expect(await t.node.orchestrator.stepOwner(blurred.cacheId)).toBeUndefined()
  }, 240_000)
})

import type { ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { testRedis } from '../fixtures/redis.js'
import { bySuite } from '../fixtures/suite.js'
import { startWorkerProcess } from '../fixtures/worker-process.js'
import { planYaml, sharedBlurRecipe } from '../exec/plans.js'
import { expectClaimsReleased, expectHealthy, expectServedIntact, waitForRun } from './invariants.js'

/** SIGKILLs in total; at most KILLS_PER_RUN of them hit the same run (BullMQ gives up on a job after 5 stalls) */
const KILLS = bySuite(3, 10)
const KILLS_PER_RUN = 2

async function killed (child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe('workers SIGKILLed mid-step', () => {
  let t: TestNode
  let redis: Redis
  let dir: string
  const children: ChildProcess[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-fault-workers-'))
    t = await startTestNode({ workers: 0, config: { claimLeaseMs: 1000, fetchTimeoutMs: 30_000 } })
    redis = testRedis()
  })

  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL')
    redis?.disconnect()
    await t?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it(`should complete every run after ${KILLS} worker kills, with nothing lost or left claimed`, async () => {
    const slow = join(dir, 'slow.mp4')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', slow])
    const clip = (await t.node.store.addFile(slow)).cid
    const spawnWorker = async (): Promise<ChildProcess> => {
      const child = startWorkerProcess(t, await mkdtemp(join(dir, 'worker-')))
      children.push(child)
      return child
    }
    let worker = await spawnWorker()
    let left = KILLS
    for (let r = 0; left > 0; r++) {
      const plan = planYaml(sharedBlurRecipe(r, 40 + r), [clip], t.node.effects)
      const blurred = plan.steps.find((s) => s.id === 'blurred')!
      const { run } = await t.node.orchestrator.submit(plan)
      for (let k = 0; k < Math.min(KILLS_PER_RUN, left); k++) {
        // the worker owns the slow step (it holds the claim): kill it without warning
        const deadline = Date.now() + 90_000
        while (!((await t.node.orchestrator.stepOwner(blurred.cacheId))?.includes(`:${worker.pid}:`) ?? false)) {
          if (Date.now() > deadline) throw new Error(`worker ${worker.pid} never claimed the step of run ${r}`)
          await new Promise((resolve) => setTimeout(resolve, 50))
        }
        await killed(worker)
        worker = await spawnWorker()
      }
      left -= Math.min(KILLS_PER_RUN, left)
      const done = await waitForRun(t.url, run.id)
      expect(done.status, done.error).toBe('completed')
      // the step was rendered by the worker that survived, not finished by a killed one
      expect(done.steps.find((s) => s.id === 'blurred')!.worker).toContain(`:${worker.pid}:`)
      await expectServedIntact(t.url, done.outputCid!)
      await expectServedIntact(t.url, done.steps.find((s) => s.id === 'blurred')!.cid!)
    }
    await expectServedIntact(t.url, clip)
    await expectClaimsReleased(redis, t.node.config.redisPrefix)
    await expectHealthy(t.url)
  }, bySuite(300_000, 900_000))
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import type { Cid } from '../../src/dag/ids.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml, sharedBlurRecipe } from './plans.js'

/** 10 s of 640x360: a gaussian blur of it takes seconds of CPU on any machine we run on */
const SLOW_CLIP = ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25:duration=10', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
/** short enough that the slow step outlives three leases; renewed every lease/3 while it runs */
const LEASE_MS = 400

describe('execution reliability', () => {
  let t: TestNode
  let media: TestMedia
  let clip: Cid
  const leaseMs = LEASE_MS

  beforeAll(async () => {
    media = await makeTestMedia()
    const slow = `${media.dir}/slow.mp4`
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', ...SLOW_CLIP, slow])
    t = await startTestNode({ claimLeaseMs: leaseMs, workers: 2 })
    clip = (await t.node.store.addFile(slow)).cid
  }, 180_000)

  afterAll(async () => {
    await t?.stop()
    await media?.cleanup()
  })

  it('should execute a slow step shared by 20 concurrent runs exactly once, past 3x its lease', async () => {
    const plans = Array.from({ length: 20 }, (_, i) => planYaml(sharedBlurRecipe(i), [clip], t.node.effects))
    const shared = plans[0]!.steps.find((s) => s.id === 'blurred')!.cacheId
    expect(new Set(plans.map((p) => p.steps.find((s) => s.id === 'blurred')!.cacheId))).toEqual(new Set([shared]))
    expect(new Set(plans.map((p) => p.id)).size).toBe(20)

    const runs = await Promise.all(plans.map(async (plan) => await t.node.orchestrator.submit(plan)))
    const done = await Promise.all(runs.map(async ({ run }) => await t.node.orchestrator.waitFor(run.id)))

    for (const run of done) expect(run.status, run.error).toBe('completed')
    const executions = t.node.workers.runner.executed.filter((id) => id === shared)
    expect(executions).toHaveLength(1)
    const sharedSteps = done.map((run) => run.steps.find((s) => s.id === 'blurred')!)
    expect(sharedSteps.filter((s) => s.status === 'completed')).toHaveLength(1)
    expect(sharedSteps.filter((s) => s.status === 'cached')).toHaveLength(19)
    expect(new Set(sharedSteps.map((s) => s.cid)).size).toBe(1)
    const executed = sharedSteps.find((s) => s.status === 'completed')!
    expect(executed.durationMs).toBeGreaterThan(3 * leaseMs)
  }, 300_000)

  it('should return the same run for 20 concurrent identical submissions', async () => {
    const plan = planYaml(sharedBlurRecipe(0, 31), [clip], t.node.effects)
    const runs = await Promise.all(Array.from({ length: 20 }, async () => await t.node.orchestrator.submit(plan)))
    expect(new Set(runs.map((r) => r.run.id))).toEqual(new Set([plan.id]))
    const done = await t.node.orchestrator.waitFor(plan.id)
    expect(done.status).toBe('completed')
    expect(t.node.workers.runner.executed.filter((id) => id === plan.steps[1]!.cacheId)).toHaveLength(1)
  }, 300_000)

  it('should render the same step to the same bytes twice', async () => {
    const plan = planYaml(sharedBlurRecipe(1, 5), [clip], t.node.effects)
    const first = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(first.status).toBe('completed')
    // forget the results, then render again from scratch
    for (const step of plan.steps) await t.node.state.cacheIndex.delete(step.cacheId)
    await t.node.state.runs.delete(plan.id)
    const second = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(second.status).toBe('completed')
    expect(second.steps.find((s) => s.id === 'cut')!.status).toBe('completed')
    expect(second.outputCid).toBe(first.outputCid)
  }, 300_000)

  it('should complete a fully cached run without running ffmpeg', async () => {
    const plan = planYaml(sharedBlurRecipe(2), [clip], t.node.effects)
    await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    await t.node.state.runs.delete(plan.id)
    const before = t.node.workers.runner.stats.executed
    const again = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(again.status).toBe('completed')
    expect(again.steps.filter((s) => s.type !== 'SOURCE').every((s) => s.status === 'cached')).toBe(true)
    expect(t.node.workers.runner.stats.executed).toBe(before)
  }, 300_000)

  it('should fail the run with the ffmpeg error of a failing step, without retrying it', async () => {
    const bogus = (await t.node.store.addFile(media.notMedia)).cid
    const { run } = await t.node.runService.submit({ recipe: 'invert', inputs: [bogus] })
    const done = await t.node.orchestrator.waitFor(run.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatch(/^step "effect" failed: /)
    expect(done.error).toMatch(/Invalid data found when processing input|not a media file|invalid media/i)
    const step = done.steps.find((s) => s.type === 'EFFECT')!
    expect(step.status).toBe('failed')
    expect(t.node.workers.runner.executed).not.toContain(step.cacheId)
  }, 120_000)

  it('should fail a run whose input is available nowhere, naming the input', async () => {
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
    const t2 = await startTestNode({ fetchTimeoutMs: 500 })
    try {
      const { run } = await t2.node.runService.submit({ recipe: 'invert', inputs: [missing] })
      const done = await t2.node.orchestrator.waitFor(run.id)
      expect(done.status).toBe('failed')
      expect(done.error).toContain(`input content ${missing} is not available on this node or its peers`)
    } finally {
      await t2.stop()
    }
  }, 120_000)
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import type { StepRecord } from '../../src/state/types.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml } from './plans.js'

/** two slow blurs of one clip, side by side, joined: with one worker the second waits for the first */
const TWO_BLURS = `
name: two-blurs
dag:
  nodes:
    - { id: clip, type: SOURCE, config: { input: true, name: clip } }
    - { id: a, type: EFFECT, config: { effect: blur, params: { radius: 30 } }, inputs: [clip] }
    - { id: b, type: EFFECT, config: { effect: blur, params: { radius: 31 } }, inputs: [clip] }
    - { id: joined, type: SEQUENCE, config: { transition: { type: cut } }, inputs: [a, b] }
  output: joined
`

const ms = (iso: string | undefined): number => Date.parse(iso ?? '')

describe('step timings', () => {
  let t: TestNode
  let dir: string
  beforeAll(async () => {
    t = await startTestNode({ workers: 1 })
    dir = await mkdtemp(join(tmpdir(), 'artdag-step-timings-'))
  })
  afterAll(async () => {
    await t?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('should count a step\'s time from when a worker took it up, not from when it was queued', async () => {
    const file = join(dir, 'clip.mp4')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file])
    const clip = (await t.node.store.addFile(file)).cid
    const plan = planYaml(TWO_BLURS, [clip], t.node.effects)
    const done = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(done.status, done.error).toBe('completed')

    const [first, second] = done.steps.filter((s) => s.type === 'EFFECT').sort((x, y) => ms(x.startedAt) - ms(y.startedAt)) as [StepRecord, StepRecord]
    for (const step of [first, second]) {
      expect(step.durationMs).toBe(ms(step.finishedAt) - ms(step.startedAt))
      expect(ms(step.queuedAt)).toBeLessThanOrEqual(ms(step.startedAt))
    }
    // both were queued together; the one worker rendered one after the other
    expect(Math.abs(ms(first.queuedAt) - ms(second.queuedAt))).toBeLessThan(200)
    expect(ms(second.startedAt)).toBeGreaterThanOrEqual(ms(first.finishedAt))
    // so the second waited about the first's render in the queue, and its duration is its own render alone
    const waited = ms(second.startedAt) - ms(second.queuedAt)
    expect(waited).toBeGreaterThanOrEqual(first.durationMs! - 200)
    expect(second.durationMs!).toBeLessThan(ms(second.finishedAt) - ms(second.queuedAt) - first.durationMs! + 200)
    expect(second.durationMs! / first.durationMs!).toBeGreaterThan(0.5)
    expect(second.durationMs! / first.durationMs!).toBeLessThan(2)
    const source = done.steps.find((s) => s.type === 'SOURCE')!
    expect(source.queuedAt).toBe(source.startedAt)
  }, 180_000)
})

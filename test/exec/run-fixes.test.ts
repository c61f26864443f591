import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cid, PlanId } from '../../src/dag/ids.js'
import { runFfmpeg } from '../../src/effects/index.js'
import type { RunRecord } from '../../src/state/types.js'
import { call, type Json } from '../api/helpers.js'
import { startTestNode as startNode } from '../fixtures/node.js'
import { testPrefix } from '../fixtures/redis.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml } from './plans.js'

/** input -> `steps` identity steps in a row */
function identityChain (steps: number): string {
  const nodes = ['    - { id: s0, type: SOURCE, config: { input: true, name: in } }']
  for (let i = 1; i <= steps; i++) nodes.push(`    - { id: s${i}, type: EFFECT, config: { effect: identity }, inputs: [s${i - 1}] }`)
  return `name: chain-${steps}\ndag:\n  nodes:\n${nodes.join('\n')}\n  output: s${steps}\n`
}

async function until<T> (what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('run path fixes', () => {
  let t: TestNode
  let dir: string
  beforeAll(async () => {
    t = await startTestNode({ workers: 1 })
    dir = await mkdtemp(join(tmpdir(), 'artdag-run-fixes-'))
  })
  afterAll(async () => {
    await t?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('should leave no abort listener behind per step: a 30-step run raises no listener warning', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error): void => { warnings.push(w) }
    process.on('warning', onWarning)
    try {
      const input = (await t.node.store.addBytes(randomBytes(256))).cid
      const plan = planYaml(identityChain(30), [input], t.node.effects)
      const done = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
      expect(done.status, done.error).toBe('completed')
      // warnings are emitted on the next tick
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([])
  })

  it('should answer exactly one of 50 concurrent identical submissions with 201', async () => {
    const input = (await t.node.store.addBytes(randomBytes(256))).cid
    const answers = await Promise.all(Array.from({ length: 50 }, async () =>
      await call(`${t.url}/runs`, { method: 'POST', json: { recipe: 'identity', inputs: [input] } })))
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1)
    expect(answers.filter((a) => a.status === 200)).toHaveLength(49)
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1)
  })

  it('should count a rendered step as executed, and not the run\'s SOURCE step', async () => {
    const executed = async (): Promise<number> => {
      const text = await (await fetch(`${t.url}/metrics`)).text()
      return Number(/artdag_steps_total\{outcome="executed"\} (\d+)/.exec(text)?.[1] ?? 0)
    }
    const before = await executed()
    const input = (await t.node.store.addBytes(randomBytes(256))).cid
    const run = await call(`${t.url}/runs?wait=60`, { method: 'POST', json: { recipe: 'identity', inputs: [input] } })
    expect(run.body.status).toBe('completed')
    // the step events reach the metrics through the event channel: wait for the count to move, then check it
    await until('the step to be counted', async () => await executed() > before ? true : undefined)
    expect(await executed()).toBe(before + 1)
  })

  it('should mark the running step of a cancelled run cancelled', async () => {
    const file = join(dir, 'slow.mp4')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file])
    const clip = (await t.node.store.addFile(file)).cid
    const { run } = await t.node.runService.submit({ recipe: 'blur', inputs: [clip], params: { radius: 37 } })
    await until('the blur to run', async () => (await t.node.state.runs.get(run.id))?.steps.find((s) => s.status === 'running'))
    const cancelled = await call<RunRecord>(`${t.url}/runs/${run.id}/cancel`, { method: 'POST' })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.status).toBe('cancelled')
    expect(cancelled.body.steps.map((s) => s.status)).toEqual(['completed', 'cancelled'])
  })
})

describe('a run resumed as the node starts', () => {
  it('should list its output in GET /cache by the time it is completed, before and without any HTTP request', async () => {
    const prefix = testPrefix()
    // the first node queues the run and stops before any worker took it: the run is left running
    const first = await startNode({ workers: 0, config: { redisPrefix: prefix } })
    const intensity = Math.round((0.1 + Math.random() * 0.8) * 1000) / 1000
    let id: PlanId
    try {
      const { run } = await first.node.runService.submit({ recipe: 'invert', inputs: ['cat'], params: { intensity } })
      id = run.id
      await until('the run to start', async () => (await first.node.state.runs.get(id))?.status === 'running' ? true : undefined)
    } finally {
      await first.node.stop()
    }
    // the same Redis and data dir (its store holds the input)
    const second = await startNode({ workers: 1, config: { redisPrefix: prefix, dataDir: first.dataDir } })
    try {
      const done = await second.node.orchestrator.waitFor(id)
      expect(done.status, done.error).toBe('completed')
      const listed = await call<{ items: Json[] }>(`${second.url}/cache?limit=1000`)
      expect(listed.body.items.map((i) => i.cid)).toContain(done.outputCid as Cid)
    } finally {
      await second.stop()
      await first.stop()
    }
  })
})

import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CacheId, Cid } from '../../src/dag/ids.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml } from './plans.js'
import type { RunRecord, StepRecord } from '../../src/state/types.js'

/** input -> invert (renders new bytes) -> identity */
const RECIPE = `
name: local-results
dag:
  nodes:
    - { id: in, type: SOURCE, config: { input: true, name: in } }
    - { id: inv, type: EFFECT, config: { effect: invert }, inputs: [in] }
    - { id: same, type: EFFECT, config: { effect: identity }, inputs: [inv] }
  output: same
`

describe('results of this node\'s own workers', () => {
  let t: TestNode
  /** CIDs the orchestrator (or anyone) asked the store about */
  const asked: string[] = []
  beforeAll(async () => {
    // a short deadline: the kept-result case below waits for peers that do not exist
    t = await startTestNode({ fetchTimeoutMs: 1500 })
    const store = t.node.store
    const has = store.has.bind(store)
    store.has = async (cid) => { asked.push(String(cid)); return await has(cid) }
  })
  afterAll(async () => { await t?.stop() })

  async function image (): Promise<Cid> {
    // a 16x16 grey PGM: ffmpeg reads it, and random bytes in the header-less part make each input new
    const pixels = randomBytes(256)
    return (await t.node.store.addBytes(Buffer.concat([Buffer.from('P5\n16 16\n255\n'), pixels]))).cid
  }

  /** a new input rendered through the recipe: its plan and the invert step's record and output */
  async function renderOnce (): Promise<{ plan: ReturnType<typeof planYaml>, inv: StepRecord | undefined, inverted: string }> {
    const plan = planYaml(RECIPE, [await image()], t.node.effects)
    const first = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(first.status).toBe('completed')
    const inv = first.steps.find((s) => s.id === 'inv')
    return { plan, inv, inverted: String(inv?.cid) }
  }

  /** the run submitted again (its record deleted first) completes, invert rendered anew and its output here */
  async function expectRenderedAgain (plan: ReturnType<typeof planYaml>, inv: StepRecord | undefined, inverted: string): Promise<RunRecord> {
    await t.node.state.runs.delete(plan.id)
    const executedBefore = t.node.workers.runner.executed.length
    const again = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(again.status, again.error).toBe('completed')
    expect(t.node.workers.runner.executed.slice(executedBefore)).toContain(inv?.cacheId)
    expect(await t.node.store.has(inverted as Cid)).toBe(true)
    return again
  }

  it('should take a result its own worker produced for the job without asking the store again', async () => {
    const plan = planYaml(RECIPE, [await image()], t.node.effects)
    asked.length = 0
    const done = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(done.status).toBe('completed')
    const inverted = String(done.steps.find((s) => s.id === 'inv')?.cid)
    expect(done.steps.find((s) => s.id === 'inv')?.status).toBe('completed')
    // the worker that rendered it pinned it in this store: the orchestrator did not check it was here
    // (the pin walk and the identity step read blocks, but never through has() on the orchestrator's path)
    expect(asked.filter((cid) => cid === inverted)).toEqual([])
    expect(await t.node.store.has(inverted as Cid)).toBe(true)
  })

  it('should look up the bytes of every indexed result once when a run starts, and render a step whose bytes are gone', async () => {
    const { plan, inv, inverted } = await renderOnce()
    await t.node.state.runs.delete(plan.id)
    // all cached: one look per distinct result (identity's output is invert's), before any step starts
    asked.length = 0
    const cached = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(cached.steps.map((s) => s.status)).toEqual(['completed', 'cached', 'cached'])
    expect(asked.filter((cid) => cid === inverted)).toEqual([inverted])
    // the index still names the result but its bytes went (the job is gone too): the step renders again
    await t.node.mesh.helia.blockstore.delete(CID.parse(inverted))
    await t.node.orchestrator.forgetStep(inv?.cacheId as CacheId)
    await t.node.state.cacheIndex.set(inv?.cacheId as CacheId, inverted as Cid)
    await expectRenderedAgain(plan, inv, inverted)
  })

  it('should not trust a kept job result whose bytes were lost since: the step renders again', async () => {
    const { plan, inv, inverted } = await renderOnce()
    // the bytes go (as a damaged block is dropped), the finished job and its return value stay in BullMQ
    await t.node.mesh.helia.blockstore.delete(CID.parse(inverted))
    await t.node.state.cacheIndex.delete(inv?.cacheId as never)
    // the kept result (this node's worker, an older job) is checked, found missing, and rendered anew
    const again = await expectRenderedAgain(plan, inv, inverted)
    expect(again.steps.find((s) => s.id === 'inv')?.cid).toBe(inverted)
  })
})


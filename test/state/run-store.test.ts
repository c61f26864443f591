import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import type { Plan } from '../../src/dag/types.js'
import {
  InvalidPageError, InvalidRecordError, RUN_RECORD_VERSION, createRunStore, type RunStatus, type RunStore
} from '../../src/state/index.js'
import { CID_B, planId, run, testState, type TestState } from './helpers.js'

describe('run store', () => {
  let state: TestState
  let runs: RunStore

  beforeEach(() => {
    state = testState()
    runs = createRunStore(state)
  })
  afterEach(async () => { await state.cleanup() })

  it('should return the first record when the same run is created twice', async () => {
    const first = run()
    expect(await runs.create(first)).toEqual({ created: true, run: first })
    const again = await runs.create({ ...first, recipeName: 'other', status: 'running' })
    expect(again).toEqual({ created: false, run: first })
    expect(await runs.count()).toBe(1)
    expect(await runs.count('running')).toBe(0)
  })

  it('should let exactly one of concurrent creates of one id win', async () => {
    const record = run()
    const results = await Promise.all(Array.from({ length: 20 }, async () => await runs.create(record)))
    expect(results.filter((r) => r.created)).toHaveLength(1)
  })

  it('should lose nothing under 20 concurrent updateStep calls on one run', async () => {
    const record = run({ stepCount: 20 })
    await runs.create(record)
    // two store instances on two connections, like two workers
    const other = testState()
    const otherRuns = createRunStore({ redis: other.redis, keys: state.keys })
    await Promise.all(record.steps.map(async (step, i) => {
      const store = i % 2 === 0 ? runs : otherRuns
      await store.updateStep(record.id, step.id, { status: 'completed', cid: CID_B, worker: `w${i}` })
    }))
    await other.redis.quit()
    const stored = await runs.get(record.id)
    expect(stored?.steps.map((s) => s.status)).toEqual(Array(20).fill('completed'))
    expect(stored?.steps.map((s) => s.worker)).toEqual(record.steps.map((_, i) => `w${i}`))
  })

  it('should write a step change as one field write, and never move a final step back to running', async () => {
    const record = run()
    await runs.create(record)
    const other = testState()
    const otherRuns = createRunStore({ redis: other.redis, keys: state.keys })
    expect(await otherRuns.updateStep(record.id, 's0', { status: 'completed', cid: CID_B, durationMs: 12 }))
      .toMatchObject({ id: 's0', status: 'completed', cid: CID_B, durationMs: 12 })
    // a late progress change of a finished step is dropped; other steps are untouched
    expect(await runs.updateStep(record.id, 's0', { status: 'running' })).toBeUndefined()
    expect((await runs.updateStep(record.id, 's1', { status: 'running' }))?.status).toBe('running')
    expect((await runs.get(record.id))?.steps.map((s) => s.status)).toEqual(['completed', 'running', 'pending'])
    expect(await runs.updateStep(record.id, 'nope', { status: 'failed' })).toBeUndefined()
    await other.redis.quit()
  })

  it('should keep the status index consistent across updates, and write only from the statuses allowed', async () => {
    const record = run({ updatedAt: '2020-01-01T00:00:00.000Z' })
    await runs.create(record)
    expect(await runs.update(record.id, { status: 'running' })).toBe(true)
    expect(await runs.count('pending')).toBe(0)
    expect(await runs.count('running')).toBe(1)
    expect(await runs.update(record.id, { status: 'completed', outputCid: CID_B }, { from: ['running'] })).toBe(true)
    const done = await runs.get(record.id)
    expect(done).toMatchObject({ status: 'completed', outputCid: CID_B })
    expect(Date.parse(done?.updatedAt ?? '')).toBeGreaterThan(Date.parse(record.updatedAt))
    expect(await runs.count('running')).toBe(0)
    expect((await runs.list({ status: 'completed' })).items.map((r) => r.id)).toEqual([record.id])
    // a completed run is not failed by a writer that expects it running; a field set to undefined goes
    expect(await runs.update(record.id, { status: 'failed' }, { from: ['pending', 'running'] })).toBe(false)
    expect(await runs.update(record.id, { status: 'failed', outputCid: undefined }, { from: ['completed'] })).toBe(true)
    expect((await runs.get(record.id))?.outputCid).toBeUndefined()
    expect(await runs.count('failed')).toBe(1)
    expect(await runs.update(planId(), { status: 'failed' })).toBe(false)
    expect(await runs.get(planId())).toBeUndefined()
  })

  it('should restart only a failed or cancelled run, with fresh steps', async () => {
    const record = run()
    await runs.create(record)
    await runs.updateStep(record.id, 's0', { status: 'failed', error: 'boom' })
    expect(await runs.restart(record)).toBe(false)
    await runs.update(record.id, { status: 'failed', error: 'boom' })
    expect(await runs.restart(record)).toBe(true)
    expect(await runs.get(record.id)).toEqual(record)
    expect(await runs.count('failed')).toBe(0)
    expect(await runs.count('pending')).toBe(1)
  })

  it('should read a run record written in the previous format (one JSON string) after the migration at start', async () => {
    const record = run({ status: 'completed', outputCid: CID_B })
    const old = { ...record, steps: record.steps.map((s) => ({ ...s, status: 'completed', cid: CID_B, durationMs: 5, effect: { name: 'invert', version: '1' } })) }
    // exactly what the previous format stored: the whole run as JSON under the run's key, plus its index entries
    await state.redis.set(state.keys.run(record.id), JSON.stringify(old))
    await state.redis.zadd(state.keys.runsByTime(), Date.parse(record.createdAt), record.id)
    await state.redis.zadd(state.keys.runsByStatus('completed'), Date.parse(record.createdAt), record.id)
    expect(await runs.migrate()).toBe(1)
    expect(await runs.get(record.id)).toEqual(old)
    expect(await state.redis.hget(state.keys.run(record.id), 'v')).toBe(String(RUN_RECORD_VERSION))
    expect((await runs.list({ status: 'completed' })).items).toEqual([old])
    // a second start finds nothing left to rewrite
    expect(await runs.migrate()).toBe(0)
  })

  it('should reject a bad creation time', async () => {
    const bad = run({ createdAt: 'yesterday' })
    await expect(runs.create(bad)).rejects.toThrow(new InvalidRecordError(`run ${bad.id}: createdAt "yesterday" is not an ISO date`))
  })

  it('should page newest first with totals, per status too', async () => {
    const base = Date.parse('2026-01-01T00:00:00Z')
    const records = Array.from({ length: 25 }, (_, i) => run({
      createdAt: new Date(base + i * 1000).toISOString(),
      status: (i % 5 === 0 ? 'failed' : 'completed') as RunStatus
    }))
    for (const r of records) await runs.create(r)
    const newestFirst = [...records].reverse().map((r) => r.id)
    const first = await runs.list({ offset: 0, limit: 10 })
    expect(first.total).toBe(25)
    expect(first.items.map((r) => r.id)).toEqual(newestFirst.slice(0, 10))
    const last = await runs.list({ offset: 20, limit: 10 })
    expect(last.items.map((r) => r.id)).toEqual(newestFirst.slice(20))
    const failed = await runs.list({ status: 'failed', limit: 3 })
    expect(failed.total).toBe(5)
    expect(failed.items.map((r) => r.id)).toEqual(newestFirst.filter((id) => records.find((r) => r.id === id)?.status === 'failed').slice(0, 3))
    expect((await runs.list({ offset: 100 })).items).toEqual([])
  })

  it('should reject bad paging options', async () => {
    await expect(runs.list({ offset: -1 })).rejects.toThrow(new InvalidPageError('offset must be a whole number >= 0, got -1'))
    await expect(runs.list({ limit: 0 })).rejects.toThrow(new InvalidPageError('limit must be a whole number from 1 to 1000, got 0'))
    await expect(runs.list({ limit: 2.5 })).rejects.toThrow(new InvalidPageError('limit must be a whole number from 1 to 1000, got 2.5'))
    await expect(runs.list({ status: 'done' as RunStatus })).rejects.toThrow(
      new InvalidPageError('status must be one of pending, running, completed, failed, cancelled, got "done"'))
  })

  it('should delete a run with its plan and index entries', async () => {
    const record = run({ status: 'failed' })
    await runs.create(record)
    const plan = { id: record.id, steps: [], inputs: [], outputStep: 's0' } as unknown as Plan
    await runs.putPlan(plan)
    expect(await runs.getPlan(record.id)).toEqual(plan)
    expect(await runs.delete(record.id)).toBe(true)
    expect(await runs.delete(record.id)).toBe(false)
    expect(await runs.get(record.id)).toBeUndefined()
    expect(await runs.getPlan(record.id as PlanId)).toBeUndefined()
    expect(await runs.count()).toBe(0)
    expect(await runs.count('failed')).toBe(0)
  })
})

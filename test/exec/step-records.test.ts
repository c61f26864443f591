import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { StepRecordWriter } from '../../src/exec/step-records.js'
import { createRunStore, type RunRecord, type RunStore } from '../../src/state/index.js'
import { CID_B, run, testState, type TestState } from '../state/helpers.js'

describe('StepRecordWriter', () => {
  let state: TestState
  let runs: RunStore
  let writes: number
  /** the writer's view of the store, counting its writes */
  let counted: Pick<RunStore, 'update'>

  beforeEach(() => {
    state = testState()
    runs = createRunStore(state)
    writes = 0
    counted = {
      update: async (id, mutate) => {
        writes++
        return await runs.update(id, mutate)
      }
    }
  })
  afterEach(async () => { await state.cleanup() })

  it('should write the patches that arrive within the batch wait in one write, in order', async () => {
    const record = run({ stepCount: 10 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id, { batchMs: 20 })
    const steps = await Promise.all(record.steps.map(async (step, i) => await writer.patch(step.id, { status: 'completed', cid: CID_B, worker: `w${i}` })))
    expect(steps.map((s) => s?.worker)).toEqual(record.steps.map((_, i) => `w${i}`))
    expect(writes).toBe(1)
    const stored = await runs.get(record.id) as RunRecord
    expect(stored.steps.every((s) => s.status === 'completed' && s.cid === CID_B)).toBe(true)
    expect(writer.latest).toEqual(stored)
  })

  it('should write a failure, and the patch that finishes the last step, at once', async () => {
    const record = run({ stepCount: 3 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id, { steps: 3, batchMs: 60_000 })
    const first = writer.patch('s0', { status: 'completed', cid: CID_B })
    const progress = writer.patch('s1', { status: 'running', worker: 'w' })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(writes).toBe(0)
    // s0 done, s1 still running: a failure of s2 goes at once, taking the waiting patches with it
    expect(await writer.patch('s2', { status: 'failed', error: 'boom' })).toMatchObject({ status: 'failed', error: 'boom' })
    expect(await first).toMatchObject({ status: 'completed' })
    expect(await progress).toMatchObject({ status: 'running' })
    expect(writes).toBe(1)
    // the last of three steps to finish is written without the minute's wait
    const started = Date.now()
    expect(await writer.patch('s1', { status: 'completed', cid: CID_B })).toMatchObject({ status: 'completed' })
    expect(Date.now() - started).toBeLessThan(5_000)
    expect(writes).toBe(2)
  })

  it('should take the waiting patches along when the last step finishes', async () => {
    const record = run({ stepCount: 10 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id, { steps: 10, batchMs: 60_000 })
    const early = record.steps.slice(0, 9).map(async (step) => await writer.patch(step.id, { status: 'completed', cid: CID_B }))
    // the tenth finishes the run: written at once, with the nine waiting ones
    await writer.patch('s9', { status: 'completed', cid: CID_B })
    await Promise.all(early)
    expect(writes).toBe(1)
  })

  it('should never move a finished step back to a progress status', async () => {
    const record = run({ stepCount: 2 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id)
    await writer.patch('s0', { status: 'completed', cid: CID_B })
    expect(await writer.patch('s0', { status: 'running', worker: 'late' })).toBeUndefined()
    expect(await writer.patch('s1', { status: 'running', worker: 'w' })).toMatchObject({ status: 'running', worker: 'w' })
    const stored = await runs.get(record.id) as RunRecord
    expect(stored.steps.map((s) => [s.status, s.worker])).toEqual([['completed', undefined], ['running', 'w']])
  })

  it('should reject the patches of a run that is gone or a step it does not have', async () => {
    const record = run({ stepCount: 1 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id)
    await expect(writer.patch('nope', { status: 'running' })).rejects.toThrow(`run ${record.id} has no step "nope"`)
    await runs.delete(record.id)
    await expect(writer.patch('s0', { status: 'running' })).rejects.toThrow(`run ${record.id} not found`)
  })
})

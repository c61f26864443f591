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

  it('should write patches in order and coalesce those that arrive during a write', async () => {
    const record = run({ stepCount: 10 })
    await runs.create(record)
    const writer = new StepRecordWriter(counted, record.id)
    const steps = await Promise.all(record.steps.map(async (step, i) => await writer.patch(step.id, { status: 'completed', cid: CID_B, worker: `w${i}` })))
    expect(steps.map((s) => s?.worker)).toEqual(record.steps.map((_, i) => `w${i}`))
    // the first patch is written alone, the nine queued behind it in one more write
    expect(writes).toBe(2)
    const stored = await runs.get(record.id) as RunRecord
    expect(stored.steps.every((s) => s.status === 'completed' && s.cid === CID_B)).toBe(true)
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

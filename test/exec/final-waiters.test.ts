import { describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import { FinalWaiters } from '../../src/exec/final-waiters.js'
import type { RunRecord } from '../../src/state/types.js'

const id = (c: string): PlanId => c.repeat(64) as PlanId
const record = (runId: PlanId): RunRecord => ({ id: runId, status: 'completed', recipeName: 'r', inputs: [], steps: [], createdAt: '', updatedAt: '' })

describe('FinalWaiters', () => {
  it('should hand the final record to every waiter of that run only, and forget them', async () => {
    const waiters = new FinalWaiters()
    const a1 = waiters.next(id('a'), 60_000)
    const a2 = waiters.next(id('a'), 60_000)
    const b = waiters.next(id('b'), 60_000)
    let bDone = false
    void b.record.then(() => { bDone = true })
    waiters.tell(record(id('a')))
    expect((await a1.record)?.id).toBe(id('a'))
    expect((await a2.record)?.id).toBe(id('a'))
    await new Promise((resolve) => setImmediate(resolve))
    expect(bDone).toBe(false)
    b.cancel()
    expect(await b.record).toBeUndefined()
    expect(waiters.size).toBe(0)
  })

  it('should answer undefined after the wait or on abort, leaving nothing behind', async () => {
    const waiters = new FinalWaiters()
    const started = Date.now()
    expect(await waiters.next(id('c'), 30).record).toBeUndefined()
    expect(Date.now() - started).toBeGreaterThanOrEqual(25)
    const controller = new AbortController()
    const aborted = waiters.next(id('c'), 60_000, controller.signal)
    controller.abort()
    expect(await aborted.record).toBeUndefined()
    expect(waiters.size).toBe(0)
  })
})

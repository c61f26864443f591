import type { PlanId } from '../dag/ids.js'
import type { RunRecord } from '../state/types.js'

/** Callers waiting for a run's final write in this process, handed the record it stored */
export class FinalWaiters {
  private readonly waiters = new Map<PlanId, Set<(run?: RunRecord) => void>>()

  /** the record of the run's next final write here, or undefined after `ms` (or on abort) */
  next (id: PlanId, ms: number, signal?: AbortSignal): { record: Promise<RunRecord | undefined>, cancel: () => void } {
    let cancel = (): void => {}
    const record = new Promise<RunRecord | undefined>((resolve) => {
      const waiters = this.waiters.get(id) ?? new Set()
      this.waiters.set(id, waiters)
      const done = (run?: RunRecord): void => {
        clearTimeout(timer)
        waiters.delete(done)
        if (waiters.size === 0 && this.waiters.get(id) === waiters) this.waiters.delete(id)
        signal?.removeEventListener('abort', onAbort)
        resolve(run)
      }
      const onAbort = (): void => { done() }
      const timer = setTimeout(done, ms)
      waiters.add(done)
      signal?.addEventListener('abort', onAbort, { once: true })
      cancel = () => { done() }
    })
    return { record, cancel }
  }

  /** hands a final record to everyone waiting for its run */
  tell (run: RunRecord): void {
    for (const waiter of this.waiters.get(run.id) ?? []) waiter(run)
  }

  /** runs someone waits for (for tests: nothing may be left behind) */
  get size (): number {
    return this.waiters.size
  }
}

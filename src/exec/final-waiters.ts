import type { PlanId } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import { KeyedWaiters } from '../util/index.js'

/** Callers waiting for a run's final write in this process, handed the record it stored */
export class FinalWaiters {
  private readonly waiters = new KeyedWaiters<PlanId, RunRecord>()

  /** the record of the run's next final write here, or undefined after `ms` (or on abort) */
  next (id: PlanId, ms: number, signal?: AbortSignal): { record: Promise<RunRecord | undefined>, cancel: () => void } {
    const waiting = this.waiters.wait(id)
    let cancel = (): void => {}
    const record = new Promise<RunRecord | undefined>((resolve) => {
      const end = (run?: RunRecord): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        waiting.cancel()
        resolve(run)
      }
      const onAbort = (): void => { end() }
      const timer = setTimeout(end, ms)
      signal?.addEventListener('abort', onAbort, { once: true })
      void waiting.result.then(end)
      cancel = onAbort
    })
    return { record, cancel }
  }

  /** hands a final record to everyone waiting for its run */
  tell (run: RunRecord): void {
    this.waiters.publish(run.id, run)
  }

  /** runs someone waits for (for tests: nothing may be left behind) */
  get size (): number {
    return this.waiters.waiting
  }
}

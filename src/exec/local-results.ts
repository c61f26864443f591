import type { StepJobResult } from './queue.js'

type Listener = (result: StepJobResult) => void

/**
 * Results this process's own step workers produced, handed straight to the orchestrator of the same
 * process. BullMQ reports a finished job only after the worker's next round trips (move to finished,
 * the completion event on the events stream, the reader's wake-up): about half a millisecond a step
 * here. The job still finishes in BullMQ as before; failures and retries are still only BullMQ's.
 */
export class LocalResults {
  private readonly listeners = new Map<string, Set<Listener>>()

  /** the next result produced here for `cacheId`; call `cancel` once it is no longer wanted */
  wait (cacheId: string): { result: Promise<StepJobResult>, cancel: () => void } {
    let listener: Listener = () => {}
    const result = new Promise<StepJobResult>((resolve) => { listener = resolve })
    const set = this.listeners.get(cacheId) ?? new Set()
    set.add(listener)
    this.listeners.set(cacheId, set)
    const cancel = (): void => {
      set.delete(listener)
      if (set.size === 0 && this.listeners.get(cacheId) === set) this.listeners.delete(cacheId)
    }
    return { result, cancel }
  }

  /** called by a worker with the return value of a job it processed */
  publish (result: StepJobResult): void {
    const set = this.listeners.get(result.cacheId)
    if (set == null) return
    this.listeners.delete(result.cacheId)
    for (const listener of set) listener(result)
  }

  /** cache ids someone is waiting on (for tests and leak checks) */
  get waiting (): number {
    return this.listeners.size
  }
}

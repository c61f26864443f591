import { StoreStoppedError } from './errors.js'
import type { GcResult } from './gc.js'
import type { AbortOptions } from './types.js'

/**
 * Runs collections one at a time and coalesces requests: while a pass runs, every request shares one
 * queued pass (which starts after it, so it sees every unpin made before the request). Stopping aborts
 * the running pass between two batches and refuses new ones.
 */
export class Collector {
  private running?: Promise<GcResult>
  private queued?: Promise<GcResult>
  private readonly stopping = new AbortController()

  constructor (private readonly pass: (signal: AbortSignal) => Promise<GcResult>) {}

  /** resolves with the result of a pass that started after this call; a caller's signal stops its wait only */
  async request (options: AbortOptions = {}): Promise<GcResult> {
    options.signal?.throwIfAborted()
    if (this.stopping.signal.aborted) throw new StoreStoppedError('the content store is stopping')
    let pass: Promise<GcResult>
    if (this.running == null) {
      pass = this.start()
    } else {
      this.queued ??= this.running.catch(() => {}).then(async () => {
        this.queued = undefined
        return await this.start()
      })
      pass = this.queued
    }
    return await waitFor(pass, options.signal)
  }

  private async start (): Promise<GcResult> {
    this.stopping.signal.throwIfAborted()
    const pass = this.pass(this.stopping.signal).finally(() => {
      if (this.running === pass) this.running = undefined
    })
    this.running = pass
    return await pass
  }

  /** aborts the running pass and any queued one; resolves once the running one has stopped */
  async stop (): Promise<void> {
    this.stopping.abort(new StoreStoppedError('the content store is stopping'))
    await Promise.allSettled([this.running, this.queued])
  }
}

async function waitFor<T> (promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal == null) return await promise
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([promise, new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
    })])
  } finally {
    if (onAbort != null) signal.removeEventListener('abort', onAbort)
  }
}

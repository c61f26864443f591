import { ContentNotFoundError, FetchTimeoutError } from './errors.js'

export interface DeadlineInit {
  /** the caller's signal */
  signal?: AbortSignal
  /** max wait for each next item of the source */
  timeoutMs: number
  /** names the content in error messages */
  what: string
}

/**
 * Pulls a source (a content read that may go to peers) with a deadline on every pull: when the next
 * piece does not arrive within `timeoutMs`, the read is aborted with ContentNotFoundError (nothing
 * arrived yet) or FetchTimeoutError (it stalled). The clock only runs while we wait for the source,
 * never while the consumer holds on to a piece, so a slow consumer is not mistaken for a stall.
 * `start` gets the signal to pass down; aborting it is what stops the underlying fetch.
 */
export async function * withDeadline<T> (start: (signal: AbortSignal) => AsyncIterable<T>, init: DeadlineInit): AsyncGenerator<T> {
  init.signal?.throwIfAborted()
  const controller = new AbortController()
  const onAbort = (): void => { controller.abort(init.signal?.reason) }
  init.signal?.addEventListener('abort', onAbort, { once: true })
  const iterator = start(controller.signal)[Symbol.asyncIterator]()
  let received = false
  try {
    while (true) {
      const result = await nextWithin(iterator, controller, init.timeoutMs, () => received
        ? new FetchTimeoutError(`fetching ${init.what} stalled: no block arrived within ${init.timeoutMs} ms`)
        : new ContentNotFoundError(`${init.what} was not found locally or on any connected peer within ${init.timeoutMs} ms`))
      if (result.done === true) return
      received = true
      yield result.value
    }
  } finally {
    init.signal?.removeEventListener('abort', onAbort)
    if (!controller.signal.aborted) controller.abort()
    // the source saw the abort; let it unwind without waiting on a stuck network read
    iterator.return?.()?.catch(() => {})
  }
}

async function nextWithin<T> (iterator: AsyncIterator<T>, controller: AbortController, timeoutMs: number, timeoutError: () => Error): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  // resolves on abort even when the source ignores its signal, so no read can hang
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(controller.signal.reason as Error) }
    controller.signal.addEventListener('abort', onAbort, { once: true })
    timer = setTimeout(() => { controller.abort(timeoutError()) }, timeoutMs)
  })
  try {
    return await Promise.race([iterator.next(), aborted])
  } catch (err) {
    // the source usually rejects with its own AbortError: report why we aborted instead
    if (controller.signal.aborted) throw controller.signal.reason as Error
    throw err
  } finally {
    clearTimeout(timer)
    if (onAbort != null) controller.signal.removeEventListener('abort', onAbort)
  }
}

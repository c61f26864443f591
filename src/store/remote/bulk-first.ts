import type { CID } from 'multiformats/cid'
import type { InflightBlocks } from '../holds.js'

/** What the content store needs of the bulk path */
export interface BulkFetchPort {
  fetch(cid: string, options?: { signal?: AbortSignal, inflight?: InflightBlocks }): Promise<unknown>
}

/**
 * Runs `then` (a store read that falls back to bitswap block by block) after trying the bulk path
 * when the root is not local. A failed bulk fetch is not fatal: bitswap is the last resort, and when it
 * fails too its error names the bulk failure as well.
 */
export async function * bulkFirst<T> (bulk: BulkFetchPort | undefined, blocks: { has(cid: CID): boolean | Promise<boolean> }, cid: CID, then: AsyncIterable<T>, signal?: AbortSignal): AsyncGenerator<T> {
  let bulkError: Error | undefined
  if (bulk != null && !await blocks.has(cid)) {
    try {
      await bulk.fetch(cid.toString(), { signal })
    } catch (err) {
      signal?.throwIfAborted()
      // "no peer to ask" adds nothing to bitswap's own "not found on any connected peer"
      if ((err as Error).name !== 'NoBulkSourceError') bulkError = err as Error
    }
  }
  try {
    yield * then
  } catch (err) {
    const e = err as Error
    if (bulkError != null && (e.name === 'ContentNotFoundError' || e.name === 'FetchTimeoutError')) {
      e.message = `${e.message}; bulk fetch failed first: ${bulkError.message}`
    }
    throw e
  }
}

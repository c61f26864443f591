import type { Redis } from 'ioredis'
import { InvalidPageError } from './errors.js'
import { MAX_PAGE_LIMIT } from './constants.js'
import type { Page } from './types.js'

export interface PageOptions {
  /** @default 0 */
  offset?: number
  /** @default 20 */
  limit?: number
}

export function checkPage (options: PageOptions): { offset: number, limit: number } {
  const offset = options.offset ?? 0
  const limit = options.limit ?? 20
  if (!Number.isInteger(offset) || offset < 0) {
    throw new InvalidPageError(`offset must be a whole number >= 0, got ${String(offset)}`)
  }
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidPageError(`limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`)
  }
  return { offset, limit }
}

/**
 * One page of a sorted set, newest (highest score) first, with the records fetched in one MGET.
 * Members whose record vanished between the two calls are skipped.
 */
export async function pageOfSortedSet<T> (redis: Redis, setKey: string, recordKey: (member: string) => string,
  options: PageOptions): Promise<Page<T>> {
  const { offset, limit } = checkPage(options)
  // both go out in the same write (ioredis pipelines concurrent commands on one connection)
  const [ids, total] = await Promise.all([redis.zrevrange(setKey, offset, offset + limit - 1), redis.zcard(setKey)])
  if (ids.length === 0) return { items: [], total, offset, limit }
  const raw = await redis.mget(...ids.map(recordKey))
  const items: T[] = []
  for (const text of raw) {
    if (text != null) items.push(JSON.parse(text) as T)
  }
  return { items, total, offset, limit }
}

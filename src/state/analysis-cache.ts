import type { Cid } from '../dag/index.js'
import type { StateComponents } from './run-store.js'

/** ffprobe metadata (and optional features) of content, computed once per CID */
export interface AnalysisCache<T = Record<string, unknown>> {
  get(cid: Cid): Promise<T | undefined>
  set(cid: Cid, metadata: T): Promise<void>
  delete(cid: Cid): Promise<void>
}

export function createAnalysisCache<T = Record<string, unknown>> (components: StateComponents): AnalysisCache<T> {
  const { redis, keys } = components
  return {
    async get (cid) {
      const text = await redis.hget(keys.analysis(), cid)
      return text == null ? undefined : JSON.parse(text) as T
    },
    async set (cid, metadata) {
      await redis.hset(keys.analysis(), cid, JSON.stringify(metadata))
    },
    async delete (cid) {
      await redis.hdel(keys.analysis(), cid)
    }
  }
}

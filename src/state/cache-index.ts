import type { Redis } from 'ioredis'
import type { CacheId, Cid } from '../dag/index.js'
import type { RedisKeys } from './keys.js'
import type { StateComponents } from './run-store.js'

export interface CacheIndexEntries {
  entries: Array<{ cacheId: CacheId, cid: Cid }>
  /** '0' when the scan is complete */
  cursor: string
}

/** cache id -> CID of results computed or verified here (peers' results are hints kept by sync) */
export interface CacheIndex {
  get(cacheId: CacheId): Promise<Cid | undefined>
  set(cacheId: CacheId, cid: Cid): Promise<void>
  /** in the order asked, undefined where unknown */
  getMany(cacheIds: readonly CacheId[]): Promise<Array<Cid | undefined>>
  /** one batch of entries (HSCAN); start with cursor '0' and stop when it comes back '0' */
  entries(cursor?: string, count?: number): Promise<CacheIndexEntries>
  count(): Promise<number>
  /** forgets a local result (its bytes are gone) */
  delete(cacheId: CacheId): Promise<void>
}

export function createCacheIndex (components: StateComponents): CacheIndex {
  return new RedisCacheIndex(components.redis, components.keys)
}

class RedisCacheIndex implements CacheIndex {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async get (cacheId: CacheId): Promise<Cid | undefined> {
    return (await this.redis.hget(this.keys.cacheIndex(), cacheId) ?? undefined) as Cid | undefined
  }

  async set (cacheId: CacheId, cid: Cid): Promise<void> {
    await this.redis.hset(this.keys.cacheIndex(), cacheId, cid)
  }

  async getMany (cacheIds: readonly CacheId[]): Promise<Array<Cid | undefined>> {
    if (cacheIds.length === 0) return []
    const values = await this.redis.hmget(this.keys.cacheIndex(), ...cacheIds)
    return values.map((v) => (v ?? undefined) as Cid | undefined)
  }

  async entries (cursor = '0', count = 500): Promise<CacheIndexEntries> {
    const [next, flat] = await this.redis.hscan(this.keys.cacheIndex(), cursor, 'COUNT', count)
    const entries: CacheIndexEntries['entries'] = []
    for (let i = 0; i + 1 < flat.length; i += 2) {
      entries.push({ cacheId: flat[i] as CacheId, cid: flat[i + 1] as Cid })
    }
    return { entries, cursor: next }
  }

  async count (): Promise<number> {
    return await this.redis.hlen(this.keys.cacheIndex())
  }

  async delete (cacheId: CacheId): Promise<void> {
    await this.redis.hdel(this.keys.cacheIndex(), cacheId)
  }
}

import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisKeys } from '../../src/state/index.js'
import { HintIndex } from '../../src/sync/index.js'
import { testPrefix, testRedis } from '../fixtures/redis.js'
import type { CacheId, Cid } from '../../src/dag/ids.js'

const id = (): CacheId => randomBytes(32).toString('hex') as CacheId
const CID_A = 'bafkreiawjty4va4rkmxe6i44kvwaygkytluio7fsl3h26czrbrwdoe52d4' as Cid
const CID_B = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid

describe('hint index', () => {
  let redis: Redis
  beforeAll(() => { redis = testRedis() })
  afterAll(async () => { await redis.quit() })

  it('should never go back to an older seq of the same peer, and take any seq of another', async () => {
    const hints = new HintIndex(redis, createRedisKeys(testPrefix()), { maxEntries: 10, maxBytes: 1 << 20 })
    const x = id()
    await hints.set(x, { cid: CID_A, peer: 'p1', seq: 5 })
    await hints.set(x, { cid: CID_B, peer: 'p1', seq: 4 })
    expect(await hints.get(x)).toEqual({ cid: CID_A, peer: 'p1', seq: 5 })
    await hints.set(x, { cid: CID_B, peer: 'p2', seq: 1 })
    expect(await hints.get(x)).toEqual({ cid: CID_B, peer: 'p2', seq: 1 })
    expect((await hints.size()).entries).toBe(1)
  })

  it('should evict the least recently announced or used hint past the entry limit', async () => {
    const hints = new HintIndex(redis, createRedisKeys(testPrefix()), { maxEntries: 3, maxBytes: 1 << 20 })
    const ids = [id(), id(), id(), id()]
    for (const [i, x] of ids.slice(0, 3).entries()) {
      await hints.set(x, { cid: CID_A, peer: 'p', seq: i + 1 })
      await new Promise((resolve) => setTimeout(resolve, 2)) // distinct use times
    }
    expect(await hints.get(ids[0] as CacheId)).toBeDefined() // used: now the most recent
    await new Promise((resolve) => setTimeout(resolve, 2))
    await hints.set(ids[3] as CacheId, { cid: CID_A, peer: 'p', seq: 9 })
    expect(await hints.get(ids[1] as CacheId)).toBeUndefined()
    for (const x of [ids[0], ids[2], ids[3]]) expect(await hints.get(x as CacheId)).toBeDefined()
    expect(hints.evicted).toBe(1)
  })

  it('should keep the bytes under the byte limit and count them exactly', async () => {
    const keys = createRedisKeys(testPrefix())
    const hints = new HintIndex(redis, keys, { maxEntries: 1000, maxBytes: 1000 })
    for (let i = 0; i < 20; i++) await hints.set(id(), { cid: CID_A, peer: 'peer', seq: i })
    const size = await hints.size()
    expect(size.bytes).toBeLessThanOrEqual(1000)
    const all = await redis.hgetall(keys.remoteIndex())
    expect(Object.entries(all).reduce((n, [k, v]) => n + k.length + v.length, 0)).toBe(size.bytes)
    expect(size.entries).toBe(Object.keys(all).length)
  })

  it('should drop hints written before they were bounded, once, when opened', async () => {
    const keys = createRedisKeys(testPrefix())
    await redis.hset(keys.remoteIndex(), id(), JSON.stringify({ cid: CID_A, peer: 'old', seq: 1 }))
    const hints = new HintIndex(redis, keys, { maxEntries: 10, maxBytes: 1 << 20 })
    await hints.open()
    expect(await hints.size()).toEqual({ entries: 0, bytes: 0 })
    const x = id()
    await hints.set(x, { cid: CID_A, peer: 'p', seq: 1 })
    await hints.open()
    expect(await hints.get(x)).toBeDefined()
  })
})

import type { CacheId, Cid } from '../dag/index.js'
import type { RedisKeys } from '../state/index.js'
import type { Redis } from 'ioredis'

/** A result a peer said it holds: a hint, verified by CID when fetched */
export interface RemoteHint {
  cid: Cid
  /** PeerId of the node that holds it */
  peer: string
  /** seq of the peer's manifest batch that listed it (0: learned by asking the peer) */
  seq: number
}

export interface HintLimits {
  maxEntries: number
  maxBytes: number
}

/**
 * Stores a hint unless the same peer gave a newer one, marks it used now, and evicts the least recently
 * announced or used hints while the index is over either limit. Bytes count field and value lengths.
 * KEYS: hash, use-order sorted set, byte counter. ARGV: cache id, JSON, peer, seq, now, max entries, max bytes.
 * Returns how many hints it evicted.
 */
const SET_SCRIPT = `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local c = cjson.decode(cur)
  if c.peer == ARGV[3] and tonumber(c.seq) > tonumber(ARGV[4]) then
    redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
    return 0
  end
  redis.call('DECRBY', KEYS[3], #ARGV[1] + #cur)
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCRBY', KEYS[3], #ARGV[1] + #ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
local evicted = 0
while redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[6]) or tonumber(redis.call('GET', KEYS[3]) or '0') > tonumber(ARGV[7]) do
  local oldest = redis.call('ZPOPMIN', KEYS[2])
  if #oldest == 0 then break end
  local v = redis.call('HGET', KEYS[1], oldest[1])
  if v then
    redis.call('HDEL', KEYS[1], oldest[1])
    redis.call('DECRBY', KEYS[3], #oldest[1] + #v)
  end
  evicted = evicted + 1
end
return evicted
`

/**
 * Peers' results as hints, in Redis, bounded by entries and bytes: the hints least recently announced or
 * used are dropped first. A dropped hint costs a question to the peers later (see StateSync.lookup),
 * never a wrong answer.
 */
export class HintIndex {
  private evictedCount = 0

  constructor (
    private readonly redis: Pick<Redis, 'eval' | 'hget' | 'zadd' | 'hlen' | 'zcard' | 'get' | 'del'>,
    private readonly keys: Pick<RedisKeys, 'remoteIndex' | 'remoteIndexUse' | 'remoteIndexBytes'>,
    private readonly limits: HintLimits
  ) {}

  get evicted (): number { return this.evictedCount }

  /** hints stored before they were bounded have no use order: they are dropped once (hints are relearned or asked for) */
  async open (): Promise<void> {
    const [entries, ordered] = await Promise.all([this.redis.hlen(this.keys.remoteIndex()), this.redis.zcard(this.keys.remoteIndexUse())])
    if (entries !== ordered) await this.redis.del(this.keys.remoteIndex(), this.keys.remoteIndexUse(), this.keys.remoteIndexBytes())
  }

  async set (cacheId: CacheId, hint: RemoteHint): Promise<void> {
    const json = JSON.stringify({ cid: hint.cid, peer: hint.peer, seq: hint.seq })
    const evicted = await this.redis.eval(SET_SCRIPT, 3, this.keys.remoteIndex(), this.keys.remoteIndexUse(), this.keys.remoteIndexBytes(),
      cacheId, json, hint.peer, hint.seq, Date.now(), this.limits.maxEntries, this.limits.maxBytes) as number
    this.evictedCount += evicted
  }

  /** the hint for a cache id; a hit counts as a use (it is kept longer) */
  async get (cacheId: CacheId): Promise<RemoteHint | undefined> {
    const text = await this.redis.hget(this.keys.remoteIndex(), cacheId)
    if (text == null) return undefined
    await this.redis.zadd(this.keys.remoteIndexUse(), 'XX', Date.now(), cacheId)
    return JSON.parse(text) as RemoteHint
  }

  async size (): Promise<{ entries: number, bytes: number }> {
    const [entries, bytes] = await Promise.all([this.redis.hlen(this.keys.remoteIndex()), this.redis.get(this.keys.remoteIndexBytes())])
    return { entries, bytes: Number(bytes ?? 0) }
  }
}

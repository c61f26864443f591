import type { Cid } from '../dag/ids.js'
import type { RedisKeys } from '../state/index.js'
import type { Redis } from 'ioredis'

/** What a node remembers about its own publishing and each peer it merged, in the `sync()` hash */
export interface OwnState {
  seq: number
  count: number
  manifest?: Cid
}

export interface PeerCursor {
  /** seq of the peer's newest batch merged */
  seq: number
  /** the peer's manifest last merged (skips refetching an unchanged one) */
  manifest?: string
  /** the HTTP base URL the peer's manifest advertised */
  url?: string
}

const OWN = 'own'
const PEER = 'peer:'

export class SyncStateStore {
  constructor (private readonly redis: Pick<Redis, 'hget' | 'hset'>, private readonly keys: Pick<RedisKeys, 'sync'>) {}

  async getOwn (): Promise<OwnState> {
    const text = await this.redis.hget(this.keys.sync(), OWN)
    return text == null ? { seq: 0, count: 0 } : JSON.parse(text) as OwnState
  }

  async setOwn (state: OwnState): Promise<void> {
    await this.redis.hset(this.keys.sync(), OWN, JSON.stringify(state))
  }

  async getPeer (peer: string): Promise<PeerCursor> {
    const text = await this.redis.hget(this.keys.sync(), PEER + peer)
    return text == null ? { seq: 0 } : JSON.parse(text) as PeerCursor
  }

  async setPeer (peer: string, cursor: PeerCursor): Promise<void> {
    await this.redis.hset(this.keys.sync(), PEER + peer, JSON.stringify(cursor))
  }
}

import type { Cid } from '../dag/index.js'
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
  /** root of the peer's snapshot in that manifest */
  snapshot?: string
}

/** the node's own record */
const OWN = 'own'
/** a worker's own record: it names the worker as one of the node's own (see `isWorker`) */
const WORKER = 'worker:'
const PEER = 'peer:'

/**
 * The `sync()` hash of a node's Redis. The node keeps its own record and its peers' cursors there; each
 * `artdag worker` on the same Redis keeps only its own record, under its PeerId, and never touches the
 * node's fields.
 */
export class SyncStateStore {
  private readonly ownField: string

  /** `worker`: the PeerId of the worker process this store belongs to; absent for the node itself */
  constructor (private readonly redis: Pick<Redis, 'hget' | 'hset' | 'hsetnx' | 'hexists' | 'hdel'>, private readonly keys: Pick<RedisKeys, 'sync'>, worker?: string) {
    this.ownField = worker == null ? OWN : WORKER + worker
  }

  async getOwn (): Promise<OwnState> {
    const text = await this.redis.hget(this.keys.sync(), this.ownField)
    return text == null ? { seq: 0, count: 0 } : JSON.parse(text) as OwnState
  }

  async setOwn (state: OwnState): Promise<void> {
    await this.redis.hset(this.keys.sync(), this.ownField, JSON.stringify(state))
  }

  /** writes an empty own record unless there is one: a worker is known to its node from its start */
  async register (): Promise<void> {
    await this.redis.hsetnx(this.keys.sync(), this.ownField, JSON.stringify({ seq: 0, count: 0 }))
  }

  /** true when a worker process of this node runs under that PeerId (it wrote its record in this hash) */
  async isWorker (peer: string): Promise<boolean> {
    return await this.redis.hexists(this.keys.sync(), WORKER + peer) === 1
  }

  async getPeer (peer: string): Promise<PeerCursor> {
    const text = await this.redis.hget(this.keys.sync(), PEER + peer)
    return text == null ? { seq: 0 } : JSON.parse(text) as PeerCursor
  }

  async setPeer (peer: string, cursor: PeerCursor): Promise<void> {
    await this.redis.hset(this.keys.sync(), PEER + peer, JSON.stringify(cursor))
  }

  /** a peer gone long enough is forgotten; if it comes back it is caught up from its manifest again */
  async forgetPeer (peer: string): Promise<void> {
    await this.redis.hdel(this.keys.sync(), PEER + peer)
  }
}

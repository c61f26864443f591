import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { asCid, isHexId, type CacheId, type Cid } from '../dag/index.js'
import { DHT_LOOKUP_TIMEOUT_MS, DHT_PROVIDERS_ASKED, HAS_FETCH_PREFIX, HAS_TIMEOUT_MS, PROVIDE_CONCURRENCY } from './constants.js'
import type { Logger } from '../util/index.js'
import type { Fetch } from '@libp2p/fetch'
import type { ContentRouting, PeerId } from '@libp2p/interface'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** a step result's key on the LAN DHT, per cluster and cache id (not the output's CID: that would announce the bytes) */
export async function resultKey (keyHash: string, cacheId: CacheId): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(encoder.encode(`artdag-result\n${keyHash}\n${cacheId}`)))
}

/** the libp2p fetch key prefix of "who has" in one cluster: a node of another cluster answers nothing */
export function whoHasPrefix (keyHash: string): string {
  return `${HAS_FETCH_PREFIX}${keyHash.slice(0, 16)}/`
}

/**
 * "Who has cache id X?" over libp2p fetch: the key is `/artdag/has/<cluster>/<cache id>`, the answer the
 * CID this node lists for it, or nothing. Answers are hints, verified by CID when the bytes are fetched.
 */
export function whoHasResponder (keyHash: string, listed: (cacheId: CacheId) => Promise<Cid | undefined>) {
  const prefix = whoHasPrefix(keyHash)
  return async (key: Uint8Array): Promise<Uint8Array | undefined> => {
    const text = decoder.decode(key)
    const id = text.slice(prefix.length)
    if (!text.startsWith(prefix) || !isHexId(id)) return undefined
    const cid = await listed(id as CacheId)
    return cid == null ? undefined : encoder.encode(cid)
  }
}

export interface WhoHasDeps {
  keyHash: string
  fetch: () => Fetch
  routing: () => ContentRouting
  self: () => PeerId
  log: Logger
}

/** Asks peers, and beyond them the LAN DHT, which peer holds a cache id; provides this node's own results */
export class WhoHas {
  private readonly queue: CacheId[] = []
  private active = 0
  private stopped = false
  /** provider records written and failed, for status */
  provided = 0
  provideFailed = 0

  constructor (private readonly deps: WhoHasDeps, private readonly maxQueue = 10_000) {}

  /** the first of these peers that answers with a CID (one round trip each, all at once) */
  async ask (peers: string[], cacheId: CacheId, signal?: AbortSignal): Promise<{ cid: Cid, peer: string } | undefined> {
    if (peers.length === 0) return undefined
    const key = whoHasPrefix(this.deps.keyHash) + cacheId
    const one = async (peer: string): Promise<{ cid: Cid, peer: string }> => {
      const value = await this.deps.fetch().fetch(peerIdFromString(peer), key, { signal: AbortSignal.any([AbortSignal.timeout(HAS_TIMEOUT_MS), ...(signal != null ? [signal] : [])]) })
      if (value == null) throw new Error('not held')
      return { cid: asCid(decoder.decode(value)), peer }
    }
    try {
      return await Promise.any(peers.map(one))
    } catch {
      signal?.throwIfAborted()
      return undefined
    }
  }

  /** peers the LAN DHT lists as holding a cache id (not this node), a few at most */
  async providers (cacheId: CacheId, exclude: Set<string>, signal?: AbortSignal): Promise<string[]> {
    const found: string[] = []
    const own = this.deps.self().toString()
    try {
      const key = await resultKey(this.deps.keyHash, cacheId)
      const deadline = AbortSignal.any([AbortSignal.timeout(DHT_LOOKUP_TIMEOUT_MS), ...(signal != null ? [signal] : [])])
      for await (const provider of this.deps.routing().findProviders(key, { signal: deadline })) {
        const id = provider.id.toString()
        if (id === own || exclude.has(id) || found.includes(id)) continue
        found.push(id)
        if (found.length >= DHT_PROVIDERS_ASKED) break
      }
    } catch (err) {
      signal?.throwIfAborted()
      this.deps.log.debug({ cacheId, err: (err as Error).message }, 'DHT provider search ended')
    }
    return found
  }

  /** queues provider records for results this node just listed (the oldest queued are dropped past the bound) */
  provide (cacheIds: CacheId[]): void {
    this.queue.push(...cacheIds)
    if (this.queue.length > this.maxQueue) this.queue.splice(0, this.queue.length - this.maxQueue)
    this.pump()
  }

  stop (): void {
    this.stopped = true
    this.queue.length = 0
  }

  start (): void {
    this.stopped = false
  }

  private pump (): void {
    while (!this.stopped && this.active < PROVIDE_CONCURRENCY && this.queue.length > 0) {
      const cacheId = this.queue.shift() as CacheId
      this.active++
      resultKey(this.deps.keyHash, cacheId)
        .then(async (key) => { await this.deps.routing().provide(key, { signal: AbortSignal.timeout(DHT_LOOKUP_TIMEOUT_MS * 2) }) })
        .then(() => { this.provided++ }, (err: Error) => {
          this.provideFailed++
          if (!this.stopped) this.deps.log.debug({ cacheId, err: err.message }, 'provider record not written')
        })
        .finally(() => { this.active--; this.pump() })
    }
  }
}

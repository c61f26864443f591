import { StateSyncImpl } from './state-sync.js'
import type { PublishReport } from './publisher.js'
import type { ResolveReport } from './resolver.js'
import type { CacheId, Cid } from '../dag/index.js'
import type { CacheIndex, RedisKeys } from '../state/index.js'
import type { ContentStore } from '../store/index.js'
import type { Logger } from '../util/index.js'
import type { Helia } from '@helia/interface'
import type { Fetch } from '@libp2p/fetch'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Libp2p } from '@libp2p/interface'
import type { Redis } from 'ioredis'

/**
 * State sync: this node's results published as an IPNS-named manifest (a snapshot plus a short tail, for
 * catch-up in a constant number of fetches), completed steps gossiped on a cluster topic (the fast path),
 * peers' entries kept as bounded hints; a miss asks the peers, and the LAN DHT names holders beyond them.
 */
export { InvalidSyncConfigError, InvalidAnnouncementError, InvalidManifestError, SyncNotStartedError, PublishUnreachedError, PeerResolveError } from './errors.js'
export { DEFAULT_ANNOUNCE_TOPIC, DEFAULT_CLUSTER_KEY, DEFAULT_PEER_STATE_WAIT_MS, DEFAULT_SYNC_INTERVAL_MS, HTTP_URL_FETCH_KEY, MANIFEST_TYPE, MANIFEST_VERSION } from './constants.js'
export { clusterKeyHash, clusterTopic } from './cluster.js'
export { decodeAnnouncement, encodeAnnouncement, type Announcement } from './announcement.js'
export { parseManifest, parseBatch, type StateManifest, type StateBatch } from './manifest.js'
export { snapshotGet, snapshotInsert, type SnapshotBlocks, type SnapshotNode } from './snapshot.js'
export { HintIndex, type RemoteHint, type HintLimits } from './hint-index.js'
export { parsePeerUrl } from './peer-directory.js'
export type { PublishReport, ResolveReport }

/** The Helia parts sync uses: IPNS (datastore, routing, keychain, events) and libp2p with gossipsub + fetch */
export type SyncHelia = Pick<Helia, 'datastore' | 'routing' | 'logger' | 'keychain' | 'events'> & {
  libp2p: Libp2p<{ pubsub: GossipSub, fetch: Fetch }>
}

export interface StateSyncComponents {
  helia: SyncHelia
  store: Pick<ContentStore, 'putJson' | 'getJson' | 'pin' | 'unpin' | 'hold' | 'has'>
  /** this node's results: cache id -> CID */
  localIndex: Pick<CacheIndex, 'entries' | 'get'>
  /** own seq/manifest and per-peer cursors live in the `keys.sync()` hash, peers' results in the hint keys */
  redis: Pick<Redis, 'hget' | 'hset' | 'hsetnx' | 'hexists' | 'hdel' | 'eval' | 'zadd' | 'hlen' | 'zcard' | 'get' | 'del'>
  keys: Pick<RedisKeys, 'sync' | 'remoteIndex' | 'remoteIndexUse' | 'remoteIndexBytes'>
  logger: Logger
}

export interface StateSyncInit {
  /** @default true; when false start() does nothing and the other methods throw SyncNotStartedError */
  enabled?: boolean
  /**
   * `node`: publishes the node's results (those whose bytes it holds), catches up with its peers and takes
   * over its workers' results. `worker` (`artdag worker` on a node's Redis): announces and lists only what
   * it rendered and holds, under its own PeerId, in its own record; never resolves peers nor writes the
   * node's records @default 'node'
   */
  role?: 'node' | 'worker'
  /** longest a lookup that misses waits for the state of peers that just connected @default 500 */
  peerStateWaitMs?: number
  /** manifest republish + peer resolve period @default 30_000 */
  intervalMs?: number
  /** trust domain: the topic and the manifest carry a hash of it; other keys are ignored @default 'artdag-default-cluster' */
  clusterKey?: string
  /** base of the gossip topic (the key hash is appended) @default '/artdag/announce/1' */
  announceTopic?: string
  /** delay of the manifest publish after an announce @default 500 */
  publishDebounceMs?: number
  /** per IPNS resolve / manifest or batch fetch @default 5_000 */
  resolveTimeoutMs?: number
  /** per IPNS publish @default 10_000 */
  publishTimeoutMs?: number
  /**
   * this node's HTTP base URL (its API serves `GET /ipfs/{cid}?format=car`), advertised in the
   * manifest, in announcements and on libp2p fetch; read on each use @default none advertised
   */
  httpUrl?: () => string | undefined
  /** most hints kept (peers' results), and most bytes they take; the least recently announced or used go first @default 100_000, 32 MiB */
  hintMaxEntries?: number
  hintMaxBytes?: number
  /** a peer disconnected this long is forgotten (cursor, URL, record subscription) @default 1 h */
  peerForgetMs?: number
  /** tail batches a manifest holds before the next publish folds them into the snapshot @default 16 */
  compactAfterBatches?: number
}

export interface SyncStatus {
  running: boolean
  peer: string
  topic: string
  /** own newest batch seq and entry count */
  seq: number
  count: number
  manifest?: Cid
  /** own snapshot root, and the batches published since */
  snapshot?: string
  tail: number
  /** snapshots written (tail folded) since start */
  compactions: number
  /** entries waiting for the next manifest */
  pending: number
  lastPublish?: PublishReport
  announced: number
  gossipReceived: number
  gossipRejected: number
  /** publishes that reached at least one peer, and those that reached none */
  published: number
  publishUnreached: number
  resolved: number
  resolveFailed: number
  /** entries merged from peers' manifests */
  merged: number
  /** hints evicted by the bounds since start */
  hintsEvicted: number
  /** lookups that missed the hints and asked peers, and those a peer answered */
  asked: number
  askedFound: number
  /** provider records written on the LAN DHT */
  provided: number
}

export interface StateSync {
  readonly topic: string
  readonly peerId: string
  start(): Promise<void>
  /** idempotent */
  stop(): Promise<void>
  /** gossips a completed step at once and queues it for the next manifest */
  announce(cacheId: CacheId, cid: Cid, options?: { signal?: AbortSignal }): Promise<{ recipients: number }>
  /**
   * RemoteIndexPort of src/exec: a peer's result for a cache id (a hint; verify by CID). A miss while a
   * peer's state is still being resolved (it just connected) waits for it, `peerStateWaitMs` at most.
   */
  lookup(cacheId: CacheId, options?: { signal?: AbortSignal }): Promise<{ cid: Cid, peer?: string } | undefined>
  /** scans the local index (unless `scan: false`), writes a new batch or snapshot + manifest, publishes the IPNS record */
  publishNow(options?: { signal?: AbortSignal, scan?: boolean }): Promise<PublishReport>
  /** resolves one peer's manifest and merges what is new */
  resolvePeer(peer: string, options?: { signal?: AbortSignal }): Promise<ResolveReport>
  /** resolvePeer for every connected peer (failures are logged and skipped); a node does it on every tick */
  resolveAll(options?: { signal?: AbortSignal }): Promise<ResolveReport[]>
  status(): SyncStatus
  /** the HTTP base URL a peer advertises (manifest, gossip, or asked over libp2p fetch), if any; `fresh` asks the peer itself */
  peerUrl(peer: string, options?: { signal?: AbortSignal, fresh?: boolean }): Promise<string | undefined>
  /** peers whose announcements or manifests said they hold this CID, most recent first (hints) */
  providersOf(cid: string): string[]
  /** hints stored now */
  hintSize(): Promise<{ entries: number, bytes: number }>
}

export function createStateSync (components: StateSyncComponents, init: StateSyncInit = {}): StateSync {
  return new StateSyncImpl(components, init)
}

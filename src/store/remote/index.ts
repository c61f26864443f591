import { RemoteFetcherImpl } from './remote-fetcher.js'
import type { CarBlockSink } from '../car/index.js'
import type { InflightBlocks } from '../holds.js'
import type { Logger } from '../../util/index.js'
import type { ReadWritten } from './pull-blocks.js'
import type { Libp2p } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * Content from peers: makes a DAG this node lacks local in one verified stream, from a peer that has
 * it, while readers stream its blocks as they arrive. Peers are asked one after the other, those known
 * to hold it first, each by what it is: a node with an HTTP URL by HTTP CAR
 * (`GET {peer}/ipfs/{cid}?format=car`, then libp2p if its HTTP server does not deliver), a peer without
 * one (a worker) by the libp2p CAR protocol. When every peer known here said no, the LAN DHT names
 * holders not met yet (each node writes a provider record for what it keeps), asked the same way,
 * within a short bound. When all of them said no (or there is none to ask) the
 * lookup ends at once with ContentNotFoundError; a peer that broke off mid-transfer is PeerBrokeOffError,
 * one that went silent FetchTimeoutError.
 */
export { DEFAULT_BULK_TIMEOUT_MS, DEFAULT_MAX_CANDIDATES } from './constants.js'
export type { ReadWritten } from './pull-blocks.js'

/** Where peers' content may be: from state sync */
export interface PeerHints {
  /** `fresh`: ask the peer itself, not what was learned earlier (it may have restarted on another port) */
  peerUrl(peer: string, options?: { signal?: AbortSignal, fresh?: boolean }): Promise<string | undefined>
  providersOf(cid: string): string[]
}

export interface RemoteFetcherComponents {
  helia: CarBlockSink & { libp2p: Pick<Libp2p, 'dialProtocol' | 'getPeers' | 'peerId' | 'contentRouting'> }
  peers: PeerHints
  logger: Logger
  /** proof of membership sent with HTTP CAR requests (`x-artdag-cluster-token`), for peers whose reads are private */
  clusterToken?: (cid: string) => string
}

export interface RemoteFetcherInit {
  /** ms to connect and ms without a byte, per attempt @default 30_000 */
  timeoutMs?: number
  /** peers tried per fetch @default 8 */
  maxCandidates?: number
}

export interface BulkFetchResult {
  path: 'http' | 'libp2p'
  peer: string
  /** the peer's HTTP base URL (path 'http') */
  url?: string
  blocks: number
  bytes: number
  ms: number
}

export interface BulkFetchStats {
  http: number
  libp2p: number
  failed: number
}

/** One transfer of a DAG from peers, shared by everyone who asks for it while it runs */
export interface RemotePull {
  /** resolves once the whole DAG is local and verified; rejects with ContentNotFoundError, PeerBrokeOffError or FetchTimeoutError */
  readonly done: Promise<BulkFetchResult>
  /**
   * a block of the DAG, verified, as soon as the transfer has it (`read` reads one it already wrote
   * from the local blockstore); rejects with the transfer's error when it fails first
   */
  block(cid: CID, read: ReadWritten, signal?: AbortSignal): Promise<Uint8Array>
}

export interface RemoteFetcher {
  /**
   * Starts (or joins) the transfer that makes the whole DAG under `cid` local and verified (every block
   * hashed against its CID, only blocks reachable from the root, the root written last). A transfer
   * runs to its end whoever stops reading; nothing is pinned or indexed either way.
   */
  open(cid: string, options?: { peers?: string[], inflight?: InflightBlocks }): RemotePull
  /** the transfer of `cid` running now, if any */
  running(cid: string): RemotePull | undefined
  /** `open(cid).done`, given up (not stopped) when `signal` aborts */
  fetch(cid: string, options?: { signal?: AbortSignal, peers?: string[], inflight?: InflightBlocks }): Promise<BulkFetchResult>
  readonly stats: BulkFetchStats
  /** writes a provider record on the LAN DHT for a DAG this node keeps whole (queued, never waited for) */
  provide(cid: string): void
}

export function createRemoteFetcher (components: RemoteFetcherComponents, init: RemoteFetcherInit = {}): RemoteFetcher {
  return new RemoteFetcherImpl(components, init)
}

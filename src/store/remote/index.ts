import { RemoteFetcherImpl } from './remote-fetcher.js'
import type { CarBlockSink } from '../car/index.js'
import type { InflightBlocks } from '../holds.js'
import type { Logger } from '../../util/index.js'
import type { Libp2p } from '@libp2p/interface'

/**
 * The bulk path of the mesh (DESIGN section 7): makes a DAG this node lacks local in one verified
 * stream, from a peer that has it. Peers are asked one after the other, those known to hold it first,
 * each by what it is: a node with an HTTP URL by HTTP CAR (`GET {peer}/ipfs/{cid}?format=car`, then
 * libp2p if its HTTP server does not answer), a peer without one (a worker) by the libp2p CAR
 * protocol; when all fail the store falls back to bitswap (`bulkFirst`).
 */
export { NoBulkSourceError, BulkFetchFailedError } from './errors.js'
export { DEFAULT_BULK_TIMEOUT_MS, DEFAULT_MAX_CANDIDATES } from './constants.js'
export { bulkFirst, type BulkFetchPort } from './bulk-first.js'

/** Where peers' content may be: from state sync */
export interface PeerHints {
  /** `fresh`: ask the peer itself, not what was learned earlier (it may have restarted on another port) */
  peerUrl(peer: string, options?: { signal?: AbortSignal, fresh?: boolean }): Promise<string | undefined>
  providersOf(cid: string): string[]
}

export interface RemoteFetcherComponents {
  helia: CarBlockSink & { libp2p: Pick<Libp2p, 'dialProtocol' | 'getPeers'> }
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

export interface RemoteFetcher {
  /**
   * Makes the whole DAG under `cid` local and verified (every block hashed against its CID, only
   * blocks reachable from the root, the root written last). Concurrent calls for one CID share one
   * transfer. Throws NoBulkSourceError or BulkFetchFailedError; nothing is pinned or indexed either way.
   */
  fetch(cid: string, options?: { signal?: AbortSignal, peers?: string[], inflight?: InflightBlocks }): Promise<BulkFetchResult>
  readonly stats: BulkFetchStats
}

export function createRemoteFetcher (components: RemoteFetcherComponents, init: RemoteFetcherInit = {}): RemoteFetcher {
  return new RemoteFetcherImpl(components, init)
}

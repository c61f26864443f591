import { MeshNodeImpl } from './mesh-node.js'
import type { StoreBackend } from './constants.js'
import type { Logger } from '../util/index.js'
import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { Libp2p } from '@libp2p/interface'
import type { MeshServices } from './services.js'
import type { SwarmKey } from './swarm-key.js'

export { InvalidMultiaddrError, DialFailedError, MeshNotStartedError, MeshDataDirError, InvalidSwarmKeyError } from './errors.js'
export { DEFAULT_MESH_LISTEN, LAN_DHT_PROTOCOL, SWARM_KEY_FILE, CLUSTER_TOKEN_HEADER, type StoreBackend } from './constants.js'
export { SwarmKey } from './swarm-key.js'
export { clusterToken, clusterTokenProblem } from './cluster-token.js'
export type { MeshServices } from './services.js'

export interface MeshNodeInit {
  /** node data dir; Helia keeps its blockstore and datastore (and the libp2p key) under `<dataDir>/helia/` */
  dataDir: string
  logger: Logger
  /**
   * the cluster's pre-shared key: only peers holding the same key can connect (libp2p private network)
   * @default this node's own key, `<dataDir>/swarm.key`, created on first start: a cluster of one
   */
  swarmKey?: SwarmKey
  /** @default ['/ip4/127.0.0.1/tcp/4100'] (tests pass '/ip4/127.0.0.1/tcp/0') */
  listen?: string[]
  /** multiaddrs (with /p2p/<id>) of peers dialled on start, until reached, and again whenever they drop @default [] */
  bootstrap?: string[]
  /** @default 'fs' */
  storeBackend?: StoreBackend
  /** wait between dials of a bootstrap peer that is not connected @default 1_000 */
  redialIntervalMs?: number
  /** @default 10_000 */
  dialTimeoutMs?: number
}

export type MeshHelia = HeliaWithLibp2p<MeshServices>

/**
 * One L1 node on the libp2p mesh: Helia (bitswap) over TCP/noise/yamux in a private network (only
 * holders of the swarm key connect), LAN DHT, gossipsub. Nothing public.
 */
export interface MeshNode {
  readonly helia: MeshHelia
  readonly libp2p: Libp2p<MeshServices>
  /** base58 PeerId; stable across restarts (the key lives in the datastore) */
  readonly peerId: string
  /** folder of the blockstore */
  readonly blocksDir: string
  /** the key of the private network this node is in (configured, or its own) */
  readonly swarmKey: SwarmKey
  /** listen addresses including /p2p/<peerId> */
  multiaddrs(): string[]
  /** PeerIds of connected peers */
  peers(): string[]
  /** dials a peer; resolves with its PeerId */
  dial(addr: string, options?: { signal?: AbortSignal }): Promise<string>
  start(): Promise<void>
  /** idempotent */
  stop(): Promise<void>
}

/** Builds and starts a mesh node */
export async function createMeshNode (init: MeshNodeInit): Promise<MeshNode> {
  const node = await MeshNodeImpl.create(init)
  await node.start()
  return node
}

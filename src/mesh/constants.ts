/** Defaults of the mesh node */
export const DEFAULT_MESH_LISTEN = ['/ip4/127.0.0.1/tcp/4100']
/** The LAN DHT protocol: never the public Amino DHT */
export const LAN_DHT_PROTOCOL = '/ipfs/lan/kad/1.0.0'
/** How long to wait before dialling again a bootstrap peer that is not connected */
export const DEFAULT_REDIAL_INTERVAL_MS = 1_000
/** How long one dial may take */
export const DEFAULT_DIAL_TIMEOUT_MS = 10_000
/** Sub-folder of the data dir that holds the Helia stores */
export const HELIA_DIR = 'helia'
/** Blockstore/datastore implementation: fs (one file per block) or level (LevelDB) */
export type StoreBackend = 'fs' | 'level'
export const DEFAULT_STORE_BACKEND: StoreBackend = 'fs'
/** File of the data dir holding the node's own swarm key when none is configured */
export const SWARM_KEY_FILE = 'swarm.key'
/** ms a new connection may take to exchange its private-network nonces */
export const PNET_HANDSHAKE_TIMEOUT_MS = 5_000
/** Header of the cluster token on `GET /ipfs/{cid}` */
export const CLUSTER_TOKEN_HEADER = 'x-artdag-cluster-token'
/** a cluster token is accepted this many seconds either side of its time (clock skew between nodes) */
export const CLUSTER_TOKEN_MAX_SKEW_S = 300
/** gossipsub mesh degree (target, low and high water marks) and peers sent IHAVE gossip per heartbeat */
export const GOSSIP_D = 6
export const GOSSIP_D_LO = 4
export const GOSSIP_D_HI = 12
export const GOSSIP_D_LAZY = 6

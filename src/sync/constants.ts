/** Defaults of state sync */

/** how often the manifest is (re)published and peers are resolved */
export const DEFAULT_SYNC_INTERVAL_MS = 30_000
/** delay between an announce and the manifest publish it triggers (several steps share one publish) */
export const DEFAULT_PUBLISH_DEBOUNCE_MS = 500
/** max wait for one IPNS resolve, one manifest/batch fetch, or one IPNS publish */
export const DEFAULT_RESOLVE_TIMEOUT_MS = 5_000
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000
/** base name of the gossip topic; the cluster key hash is appended */
export const DEFAULT_ANNOUNCE_TOPIC = '/artdag/announce/1'
/** trust domain used when none is configured */
export const DEFAULT_CLUSTER_KEY = 'artdag-default-cluster'
/** keychain name of the key the manifest is published under: the libp2p identity, so IPNS name = PeerId */
export const IPNS_KEY_NAME = 'self'
/** IPNS record lifetime and TTL */
export const IPNS_LIFETIME_MS = 48 * 60 * 60 * 1000
export const IPNS_TTL_MS = 60_000
/** batches a manifest's tail holds before the publisher folds them into its snapshot (compaction) */
export const DEFAULT_COMPACT_AFTER_BATCHES = 16
/** longest tail a peer's manifest may have (a peer catches up in at most this many batch fetches) */
export const MAX_TAIL_BATCHES = 64
/** entries per snapshot leaf (~140 bytes each: ~70 KB blocks; a million entries are 3 levels deep) */
export const SNAPSHOT_LEAF_MAX = 512
/** entries per batch block (~140 bytes each, so a batch stays far below bitswap's 1 MiB block size) */
export const MAX_BATCH_ENTRIES = 2_000
/** gossip messages larger than this are dropped unread */
export const MAX_ANNOUNCEMENT_BYTES = 1_024
/** peers resolved at once */
export const RESOLVE_CONCURRENCY = 4
/** how long a peer whose manifest belongs to another cluster (or that has none) is skipped */
export const FOREIGN_PEER_SKIP_MS = 10 * 60_000
/** longest a lookup that misses waits for peers whose state is not known yet (just connected, being resolved) */
export const DEFAULT_PEER_STATE_WAIT_MS = 500
/** results of its workers a node fetches at once to list them as its own */
export const HAND_OVER_CONCURRENCY = 4
export const MANIFEST_TYPE = 'artdag/state'
export const MANIFEST_VERSION = 2
/** hints written to Redis at once while merging a batch */
export const MERGE_CONCURRENCY = 256
/** libp2p fetch key a node answers with its HTTP base URL (the bulk CAR path) */
export const HTTP_URL_FETCH_KEY = '/artdag/http-url'
/** max wait when asking a peer for its HTTP URL over libp2p fetch */
export const HTTP_URL_LOOKUP_TIMEOUT_MS = 2_000
/** longest advertised URL accepted */
export const MAX_PEER_URL_LENGTH = 512
/** CIDs whose holders are remembered (each with up to 8 peers) */
export const MAX_PROVIDER_CIDS = 50_000
/** libp2p fetch key prefix of "who has this cache id?": `/artdag/has/<cache id>`, answered with the CID this node lists */
export const HAS_FETCH_PREFIX = '/artdag/has/'
/** max wait for one peer's answer to "who has" */
export const HAS_TIMEOUT_MS = 2_000
/** longest a lookup that missed every connected peer searches the LAN DHT for providers */
export const DHT_LOOKUP_TIMEOUT_MS = 2_000
/** providers of a cache id asked at most, and provider records written at once */
export const DHT_PROVIDERS_ASKED = 3
export const PROVIDE_CONCURRENCY = 4
/** hints kept at most (entries and bytes); the least recently announced or used go first */
export const DEFAULT_HINT_MAX_ENTRIES = 100_000
export const DEFAULT_HINT_MAX_BYTES = 32 * 1024 * 1024
/** a peer gone this long is forgotten: its cursor, URL and IPNS record subscription */
export const DEFAULT_PEER_FORGET_MS = 60 * 60_000

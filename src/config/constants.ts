/**
 * Defaults of every setting, in one place. Those a lower folder needs without the settings are defined
 * there and listed here, so no folder below config imports config.
 */
export { DEFAULT_CLAIM_LEASE_MS, DEFAULT_REDIS_DB, DEFAULT_REDIS_PREFIX } from '../state/index.js'
export { ENGINE_SALT } from '../dag/index.js'
export const DEFAULT_PORT = 8100
export const DEFAULT_HOST = '127.0.0.1'
export const DEFAULT_P2P_LISTEN = '/ip4/127.0.0.1/tcp/4100'
/** the managed redis-server listens on loopback only unless told otherwise */
export const DEFAULT_REDIS_BIND = '127.0.0.1'
export const DEFAULT_STEP_TIMEOUT_MS = 30 * 60_000
export const DEFAULT_FETCH_TIMEOUT_MS = 30_000
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3
export const DEFAULT_SYNC_INTERVAL_MS = 30_000
export const DEFAULT_SYNC_HINT_MAX_ENTRIES = 100_000
export const DEFAULT_SYNC_HINT_MAX_BYTES = 32 * 1024 * 1024
export const DEFAULT_SYNC_PEER_FORGET_MS = 60 * 60_000
export const DEFAULT_PEER_STATE_WAIT_MS = 500

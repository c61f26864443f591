/** Defaults of the Redis state layer (config/constants.ts lists them with every other setting's) */
export const DEFAULT_REDIS_DB = 5
export const DEFAULT_REDIS_PREFIX = 'artdag:'
export const DEFAULT_CLAIM_LEASE_MS = 30_000

/** how long createRedisConnection waits for Redis at startup */
export const DEFAULT_REDIS_CONNECT_TIMEOUT_MS = 5_000
/** longest wait between two reconnect attempts of a Redis client (it never stops trying) */
export const REDIS_RECONNECT_MAX_DELAY_MS = 2_000
/** a revoked token is remembered this much longer than it lives (clock skew between L1 and L2) */
export const TOKEN_REVOCATION_GRACE_MS = 10 * 60_000
/** largest page a list() call returns */
export const MAX_PAGE_LIMIT = 1_000
/** how long startManagedRedis waits for "Ready to accept connections" (AOF replay included) */
export const MANAGED_REDIS_READY_TIMEOUT_MS = 60_000
/** how long a stale redis-server of a crashed run gets to shut down before SIGKILL */
export const MANAGED_REDIS_STOP_TIMEOUT_MS = 15_000
/** first wait before restarting a managed redis-server that died on its own (doubled per failed attempt) */
export const MANAGED_REDIS_RESTART_DELAY_MS = 200
/** longest wait between restart attempts of the managed redis-server */
export const MANAGED_REDIS_RESTART_MAX_DELAY_MS = 10_000

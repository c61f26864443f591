/** Defaults of the auth area */

/** timeout of every call to L2 */
export const DEFAULT_L2_TIMEOUT_MS = 5_000
/** how long a successful token verification by L2 is reused (the revocation list is still checked every time) */
export const DEFAULT_VERIFY_CACHE_MS = 30_000
/** how long L2's answer to "is this CID published?" is reused */
export const DEFAULT_PUBLISHED_CACHE_MS = 30_000
/**
 * how long a "not published" answer is reused: shorter, because a stale "no" could let the node
 * delete something that was just published (a stale "yes" only delays a deletion)
 */
export const DEFAULT_UNPUBLISHED_CACHE_MS = 5_000
/** bound of each in-memory cache */
export const DEFAULT_CACHE_MAX_ENTRIES = 1_000
export const DEFAULT_COOKIE_NAME = 'artdag_session'
/** lifetime of a browser session (and its cookie); shorter when the token expires earlier */
export const DEFAULT_COOKIE_MAX_AGE_S = 30 * 24 * 3600
/** request header and form field that carry the session's CSRF token */
export const CSRF_HEADER = 'x-csrf-token'
export const CSRF_FIELD = '_csrf'
/** tokens outside this length are rejected without asking anyone */
export const MIN_TOKEN_LENGTH = 16
export const MAX_TOKEN_LENGTH = 4_096
/** largest body accepted by the auth POST routes */
export const MAX_AUTH_BODY_BYTES = 16 * 1024
/** user name of the local admin token and of `none` mode */
export const ADMIN_USER = 'admin'
export const ANONYMOUS_USER = 'anonymous'
/** prefix of generated admin tokens, so they are recognisable in a leak scanner */
export const ADMIN_TOKEN_PREFIX = 'artdag_'

/** Defaults of the HTTP API (STYLE rule 3) */

/** largest JSON / YAML request body */
export const DEFAULT_JSON_LIMIT_BYTES = 1024 * 1024
/** longest `?wait=` of POST /runs, in seconds */
export const MAX_WAIT_SECONDS = 600
/** default and largest page of list endpoints */
export const DEFAULT_PAGE_LIMIT = 20
export const MAX_PAGE_LIMIT = 1000
/** `Cache-Control` of content by CID: the bytes of a CID never change */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable'
/**
 * `Content-Security-Policy` of stored content: a sandboxed, opaque-origin document that may show the
 * media itself and nothing else, so no uploaded byte ever runs as this node (no script, no request)
 */
export const CONTENT_CSP = "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
/** SSE keep-alive comment interval */
export const SSE_HEARTBEAT_MS = 15_000
/** how many leading bytes content-type sniffing looks at */
export const SNIFF_BYTES = 64
/** the server name in GET / */
export const SERVER_NAME = 'artdag-l1'

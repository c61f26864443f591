/** Defaults of the HTTP API */

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
 * `Content-Security-Policy` of stored content: a sandboxed document (no script, form, popup or plugin)
 * that may load nothing but the media itself, so no uploaded byte ever runs as this node. Content served
 * as a download also gets an opaque origin (`sandbox` alone); the allow-listed media keep theirs
 * (`allow-same-origin`, which grants nothing without scripts) because Chromium's page for a video opened
 * on its own cannot play it from an opaque origin.
 */
export const CONTENT_CSP = {
  download: "sandbox; default-src 'none'; frame-ancestors 'none'",
  inline: "sandbox allow-same-origin; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"
} as const
/** SSE keep-alive comment interval */
export const SSE_HEARTBEAT_MS = 15_000
/** how many leading bytes content-type sniffing looks at */
export const SNIFF_BYTES = 64
/** the server name in GET / */
export const SERVER_NAME = 'artdag-l1'

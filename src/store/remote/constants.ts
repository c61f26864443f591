/** ms allowed to connect, and ms allowed without a byte, on each bulk attempt */
export const DEFAULT_BULK_TIMEOUT_MS = 30_000
/** peers tried per fetch (hinted holders first, then connected peers) */
export const DEFAULT_MAX_CANDIDATES = 8

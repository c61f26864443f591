/** ms allowed to connect, and ms allowed without a byte, on each bulk attempt */
export const DEFAULT_BULK_TIMEOUT_MS = 30_000
/** peers tried per fetch (hinted holders first, then connected peers) */
export const DEFAULT_MAX_CANDIDATES = 8
/** longest a lookup that every known peer answered "not here" searches the LAN DHT for other holders */
export const DHT_LOOKUP_MS = 1_000
/** holders taken from one DHT search */
export const DHT_PROVIDERS_TAKEN = 3
/** provider records written at once, and queued at most (the oldest queued are dropped past it) */
export const PROVIDE_CONCURRENCY = 4
export const PROVIDE_QUEUE_MAX = 10_000

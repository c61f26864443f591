/** Defaults of the content library */

/** largest upload when none is configured (config.maxUploadBytes normally sets it) */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 ** 3
/** how long the deletion rules wait for L2's "is it published?" answer */
export const DEFAULT_PUBLISHED_TIMEOUT_MS = 5_000
/** cache index entries read per HSCAN when looking for the entries that point at deleted content */
export const CACHE_SCAN_COUNT = 1_000
/** leading bytes kept for content-type sniffing */
export const SNIFF_HEAD_BYTES = 64

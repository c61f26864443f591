import { DEFAULT_FETCH_TIMEOUT_MS as CONFIG_FETCH_TIMEOUT_MS } from '../config/index.js'
import type { PinReason } from './types.js'

/** IPIP-499 `unixfs-v1-2025`: 1 MiB fixed chunks */
export const CHUNK_SIZE = 1_048_576
/** IPIP-499 `unixfs-v1-2025`: balanced layout, 1024 links per node */
export const MAX_CHILDREN_PER_NODE = 1024
/** Max time to wait for the next block of content that is not local */
export const DEFAULT_FETCH_TIMEOUT_MS = CONFIG_FETCH_TIMEOUT_MS
/** Datastore key prefix of the pin reasons of a CID (a JSON array under `<prefix><cid>`) */
export const PIN_REASONS_PREFIX = '/artdag/pin-reasons/'
export const PIN_REASONS: readonly PinReason[] = ['run-input', 'run-output', 'cache', 'upload', 'published', 'asset', 'provenance', 'manifest']
/** multicodec codes */
export const RAW_CODE = 0x55
export const DAG_PB_CODE = 0x70
export const SHA2_256_CODE = 0x12
export const IDENTITY_CODE = 0x00
/**
 * Block writes an add keeps in flight while it reads and hashes on (the thread pool overlaps the file
 * writes with the hashing), and the most block bytes they hold
 */
export const ADD_WRITE_CONCURRENCY = 8
export const ADD_WINDOW_BYTES = 32 * 1024 * 1024
/** Sibling blocks read ahead of the consumer by a get (bounds memory: ~READ_AHEAD_BLOCKS MiB per read) */
export const READ_AHEAD_BLOCKS = 4
/** Files whose size and completeness a store remembers (a few dozen bytes each) */
export const COMPLETE_FILES_CACHED = 10_000
/** Bytes of small verified files a store keeps in memory by default (hot downloads skip the block reads) */
export const DEFAULT_HOT_FILES_BYTES = 64 * 1024 * 1024
/** The largest file whose bytes are kept in memory: one chunk, so a kept file was at most one block read */
export const HOT_FILE_MAX_BYTES = CHUNK_SIZE
/** Blocks a collection deletes at once; reads and writes run between batches, a writer waits for at most one */
export const GC_BATCH_BLOCKS = 64
/** DAG blocks whose links a collection remembers between passes (a few hundred bytes each) */
export const GC_LINKS_REMEMBERED = 200_000

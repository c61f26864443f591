/** libp2p protocol of the bulk path: request = root CID (varint length + CID bytes), response = status byte + CARv1 */
export const CAR_PROTOCOL = '/artdag/car/1.0.0'
/** multicodec codes the bulk path understands */
export const RAW_CODE = 0x55
export const DAG_PB_CODE = 0x70
export const DAG_CBOR_CODE = 0x71
export const DAG_JSON_CODE = 0x0129
export const SHA2_256_CODE = 0x12
/** Largest block accepted in a CAR (bitswap's hard limit is 2 MiB; UnixFS chunks are 1 MiB) */
export const MAX_BLOCK_BYTES = 2 * 1024 * 1024 + 1024
/** Blocks read ahead of the writer while exporting */
export const DEFAULT_EXPORT_READ_AHEAD = 32
/** Max ms without a byte from the peer (and for the dial) in fetchCar */
export const DEFAULT_CAR_TIMEOUT_MS = 30_000
/** Response status bytes of the protocol */
export const STATUS_OK = 0
export const STATUS_ERROR = 1
/** Largest request (a CID is well under this) */
export const MAX_REQUEST_BYTES = 256
/**
 * Verified blocks written concurrently while the import reads on: at most this many `put`s in flight
 * (so the thread pool overlaps the file writes) and at most IMPORT_WINDOW_BYTES of block data held
 */
export const IMPORT_WRITE_CONCURRENCY = 8
export const IMPORT_WINDOW_BYTES = 32 * 1024 * 1024
/** Size of the reused block buffers of an import or HTTP export: a 1 MiB UnixFS chunk with its CID (larger ones get their own) */
export const POOL_BUFFER_BYTES = 1024 * 1024 + 1024
/** media type of a CARv1 response (IPIP-402 trustless gateway) */
export const CAR_CONTENT_TYPE = 'application/vnd.ipld.car; version=1; order=dfs; dups=n'
/** media type of a single raw block (IPIP-402 `?format=raw`) */
export const RAW_BLOCK_CONTENT_TYPE = 'application/vnd.ipld.raw'

import { importCar, type CarBlockSink, type ImportCarOptions, type ImportCarResult } from './import.js'
import { fetchCar, type FetchCarOptions } from './protocol.js'
import { fetchCarHttp, type FetchCarHttpOptions } from './http-client.js'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * The bulk path: a whole DAG as one CARv1 stream (IPIP-402 trustless gateway
 * format), served over `/artdag/car/1.0.0` or HTTP, imported with every block checked against its CID.
 */
export { exportCar, type ExportCarOptions, type CarBlockSource } from './export.js'
export { importCar, type ImportCarOptions, type ImportCarResult, type CarBlockSink } from './import.js'
export { createCarServer, fetchCar, type CarServer, type CarServerComponents, type CarServerInit, type FetchCarOptions } from './protocol.js'
export { fetchCarHttp, carUrl, type FetchCarHttpOptions } from './http-client.js'
export { CAR_PROTOCOL, CAR_CONTENT_TYPE, RAW_BLOCK_CONTENT_TYPE, DEFAULT_CAR_TIMEOUT_MS, MAX_BLOCK_BYTES, POOL_BUFFER_BYTES, DEFAULT_EXPORT_READ_AHEAD } from './constants.js'
export { checkSupported } from './codecs.js'
export { BufferPool } from './buffer-pool.js'
export { WriteWindow } from './write-window.js'
export { fsBlockstoreOf } from './fs-blockstore.js'
export {
  CarBlockMismatchError, CarUnsupportedCidError, CarHeaderError, CarUnexpectedBlockError, CarTruncatedError,
  CarBlockTooLargeError, CarBlockMissingError, CarRemoteError, CarTransferError, CarRequestError, CarPeerUnreachableError, CarTimeoutError
} from './errors.js'

/** what importCar is told besides the stream: where to hold blocks, and whom to tell of each block */
export type PullOptions = Pick<ImportCarOptions, 'inflight' | 'onVerified' | 'onWritten'>

function importOptions (options: PullOptions & { signal?: AbortSignal }): ImportCarOptions {
  const { inflight, onVerified, onWritten, signal } = options
  return { signal, ...(inflight != null ? { inflight } : {}), ...(onVerified != null ? { onVerified } : {}), ...(onWritten != null ? { onWritten } : {}) }
}

/** fetchCar piped into importCar: the DAG is local and verified when this resolves */
export async function pullCar (helia: CarBlockSink & { libp2p: Pick<Libp2p, 'dialProtocol'> }, peer: PeerId | string, root: CID | string, options: FetchCarOptions & PullOptions = {}): Promise<ImportCarResult> {
  return await importCar(helia, fetchCar(helia.libp2p, peer, root, options), root, importOptions(options))
}

/** fetchCarHttp piped into importCar: the DAG from a peer's HTTP API, local and verified when this resolves */
export async function pullCarHttp (helia: CarBlockSink, baseUrl: string, root: CID | string, options: FetchCarHttpOptions & PullOptions = {}): Promise<ImportCarResult> {
  return await importCar(helia, fetchCarHttp(baseUrl, root, options), root, importOptions(options))
}

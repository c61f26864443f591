import { DomainError } from '../../util/index.js'

/** Thrown when a block of a CAR stream does not hash to its CID; the import stops and the root is not kept */
export class CarBlockMismatchError extends DomainError {
  override name = 'CarBlockMismatchError'
  readonly status = 502
  readonly code = 'car-block-mismatch'
}

/** Thrown when a CAR (or an export) holds a block with a codec or multihash the bulk path does not handle */
export class CarUnsupportedCidError extends DomainError {
  override name = 'CarUnsupportedCidError'
  readonly status = 400
  readonly code = 'unsupported-cid'
}

/** Thrown when a CAR's header is not CARv1 with exactly the expected root */
export class CarHeaderError extends DomainError {
  override name = 'CarHeaderError'
  readonly status = 502
  readonly code = 'car-header'
}

/** Thrown when a CAR holds a block that no block received before it links to (IPIP-402 DAG order) */
export class CarUnexpectedBlockError extends DomainError {
  override name = 'CarUnexpectedBlockError'
  readonly status = 502
  readonly code = 'car-unexpected-block'
}

/** Thrown when a CAR stream ends in the middle of a section, or before every block of the DAG arrived */
export class CarTruncatedError extends DomainError {
  override name = 'CarTruncatedError'
  readonly status = 502
  readonly code = 'car-truncated'
}

/** Thrown when a CAR section is larger than the block size limit */
export class CarBlockTooLargeError extends DomainError {
  override name = 'CarBlockTooLargeError'
  readonly status = 502
  readonly code = 'car-block-too-large'
}

/** Thrown by exportCar when a block of the DAG is not in the local blockstore (export never asks peers) */
export class CarBlockMissingError extends DomainError {
  override name = 'CarBlockMissingError'
  readonly status = 404
  readonly code = 'block-missing'
}

/** Thrown by fetchCar when the peer answers with an error (e.g. it does not hold the DAG) */
export class CarRemoteError extends DomainError {
  override name = 'CarRemoteError'
  readonly status = 502
  readonly code = 'peer-error'
}

/** Thrown by fetchCar when the peer cannot be reached, the stream breaks, or no bytes arrive in time */
export class CarTransferError extends DomainError {
  override name = 'CarTransferError'
  readonly status = 502
  readonly code = 'peer-broke-off'
}

/** Thrown when a CAR request is not valid: on the libp2p protocol not a CID, on HTTP a cluster token that cannot go into a header */
export class CarRequestError extends DomainError {
  override name = 'CarRequestError'
  readonly status = 400
  readonly code = 'car-request'
}

/** Thrown by the HTTP CAR client when the peer's HTTP server cannot be reached (refused, unknown host, reset before answering) */
export class CarPeerUnreachableError extends DomainError {
  override name = 'CarPeerUnreachableError'
  readonly status = 502
  readonly code = 'peer-unreachable'
}

/** Thrown by the HTTP CAR client when the peer does not answer, or sends no byte, within the timeout */
export class CarTimeoutError extends DomainError {
  override name = 'CarTimeoutError'
  readonly status = 504
  readonly code = 'peer-timeout'
}

/** Thrown when a block of a CAR stream does not hash to its CID; the import stops and the root is not kept */
export class CarBlockMismatchError extends Error {
  override name = 'CarBlockMismatchError'
}

/** Thrown when a CAR (or an export) holds a block with a codec or multihash the bulk path does not handle */
export class CarUnsupportedCidError extends Error {
  override name = 'CarUnsupportedCidError'
}

/** Thrown when a CAR's header is not CARv1 with exactly the expected root */
export class CarHeaderError extends Error {
  override name = 'CarHeaderError'
}

/** Thrown when a CAR holds a block that no block received before it links to (IPIP-402 DAG order) */
export class CarUnexpectedBlockError extends Error {
  override name = 'CarUnexpectedBlockError'
}

/** Thrown when a CAR stream ends in the middle of a section, or before every block of the DAG arrived */
export class CarTruncatedError extends Error {
  override name = 'CarTruncatedError'
}

/** Thrown when a CAR section is larger than the block size limit */
export class CarBlockTooLargeError extends Error {
  override name = 'CarBlockTooLargeError'
}

/** Thrown by exportCar when a block of the DAG is not in the local blockstore (export never asks peers) */
export class CarBlockMissingError extends Error {
  override name = 'CarBlockMissingError'
}

/** Thrown by fetchCar when the peer answers with an error (e.g. it does not hold the DAG) */
export class CarRemoteError extends Error {
  override name = 'CarRemoteError'
}

/** Thrown by fetchCar when the peer cannot be reached, the stream breaks, or no bytes arrive in time */
export class CarTransferError extends Error {
  override name = 'CarTransferError'
}

/** Thrown when a CAR request is not valid: on the libp2p protocol not a CID, on HTTP a cluster token that cannot go into a header */
export class CarRequestError extends Error {
  override name = 'CarRequestError'
}

/** Thrown by the HTTP CAR client when the peer's HTTP server cannot be reached (refused, unknown host, reset before answering) */
export class CarPeerUnreachableError extends Error {
  override name = 'CarPeerUnreachableError'
}

/** Thrown by the HTTP CAR client when the peer does not answer, or sends no byte, within the timeout */
export class CarTimeoutError extends Error {
  override name = 'CarTimeoutError'
}

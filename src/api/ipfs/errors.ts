import { ApiError } from '../errors.js'

/** GET /ipfs/{cid}: the path segment is not a CID, or its codec/hash is one the CAR path does not handle */
export class InvalidIpfsCidError extends ApiError {
  override name = 'InvalidIpfsCidError'
  readonly status = 400
  readonly code = 'invalid-cid'
}

/** GET /ipfs/{cid}: `?format=` (or the Accept header) names a response format other than car or raw */
export class UnknownIpfsFormatError extends ApiError {
  override name = 'UnknownIpfsFormatError'
  readonly status = 400
  readonly code = 'unknown-format'
}

/** GET /ipfs/{cid}: the root block (or, for a CAR, the whole DAG) is not in the local store; this route never asks peers */
export class IpfsContentNotLocalError extends ApiError {
  override name = 'IpfsContentNotLocalError'
  readonly status = 404
  readonly code = 'not-found'
}

/** GET /ipfs/{cid}: a cluster token was sent and is malformed, expired, or not made with this cluster's swarm key */
export class ClusterTokenRejectedError extends ApiError {
  override name = 'ClusterTokenRejectedError'
  readonly status = 401
  readonly code = 'invalid-cluster-token'
}

import { ApiError } from '../errors.js'

/** GET /ipfs/{cid}: `?format=` (or the Accept header) names a response format other than car or raw */
export class UnknownIpfsFormatError extends ApiError {
  override name = 'UnknownIpfsFormatError'
  readonly status = 400
  readonly code = 'unknown-format'
}

/** GET /ipfs/{cid}: a cluster token was sent and is malformed, expired, or not made with this cluster's swarm key */
export class ClusterTokenRejectedError extends ApiError {
  override name = 'ClusterTokenRejectedError'
  readonly status = 401
  readonly code = 'invalid-cluster-token'
}

import { DomainError, InternalError } from '../util/index.js'

/** Thrown when a multiaddr given to the mesh (listen, bootstrap, dial) cannot be parsed */
export class InvalidMultiaddrError extends DomainError {
  override name = 'InvalidMultiaddrError'
  readonly status = 400
  readonly code = 'invalid-multiaddr'
}

/** Thrown when a dial to a peer fails or times out */
export class DialFailedError extends DomainError {
  override name = 'DialFailedError'
  readonly status = 502
  readonly code = 'dial-failed'
}

/** Thrown when the node is used before start() or after stop() */
export class MeshNotStartedError extends DomainError {
  override name = 'MeshNotStartedError'
  readonly status = 503
  readonly code = 'mesh-not-started'
}

/** Thrown when the data dir of the node cannot be used (not creatable, not a directory) */
export class MeshDataDirError extends InternalError {
  override name = 'MeshDataDirError'
}

/** Thrown when a swarm key (setting, file or text) is not a valid pre-shared key or cannot be read */
export class InvalidSwarmKeyError extends DomainError {
  override name = 'InvalidSwarmKeyError'
  readonly status = 400
  readonly code = 'invalid-swarm-key'
}

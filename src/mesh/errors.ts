/** Thrown when a multiaddr given to the mesh (listen, bootstrap, dial) cannot be parsed */
export class InvalidMultiaddrError extends Error {
  override name = 'InvalidMultiaddrError'
}

/** Thrown when a dial to a peer fails or times out */
export class DialFailedError extends Error {
  override name = 'DialFailedError'
}

/** Thrown when the node is used before start() or after stop() */
export class MeshNotStartedError extends Error {
  override name = 'MeshNotStartedError'
}

/** Thrown when the data dir of the node cannot be used (not creatable, not a directory) */
export class MeshDataDirError extends Error {
  override name = 'MeshDataDirError'
}

/** Thrown when a swarm key (setting, file or text) is not a valid pre-shared key or cannot be read */
export class InvalidSwarmKeyError extends Error {
  override name = 'InvalidSwarmKeyError'
}

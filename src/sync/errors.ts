/** Thrown by createStateSync when an init option is invalid (empty cluster key, non-positive interval...) */
export class InvalidSyncConfigError extends Error {
  override name = 'InvalidSyncConfigError'
}

/** Thrown when a gossip announcement is malformed (bad JSON, shape, cache id, CID, peer or seq); receivers drop it */
export class InvalidAnnouncementError extends Error {
  override name = 'InvalidAnnouncementError'
}

/** Thrown when a peer's manifest or batch is not a valid artdag/state document */
export class InvalidManifestError extends Error {
  override name = 'InvalidManifestError'
}

/** Thrown by announce()/publishNow()/resolvePeer() before start() or after stop() */
export class SyncNotStartedError extends Error {
  override name = 'SyncNotStartedError'
}

/** Reported (logged, counted, returned by publishNow) when a manifest publish reached no peer */
export class PublishUnreachedError extends Error {
  override name = 'PublishUnreachedError'
}

/** Thrown by resolvePeer when the peer's IPNS name cannot be resolved in time */
export class PeerResolveError extends Error {
  override name = 'PeerResolveError'
}

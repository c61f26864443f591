import { DomainError, InternalError } from '../util/index.js'

/** Thrown by createStateSync when an init option is invalid (empty cluster key, non-positive interval...) */
export class InvalidSyncConfigError extends InternalError {
  override name = 'InvalidSyncConfigError'
}

/** Thrown when a gossip announcement is malformed (bad JSON, shape, cache id, CID, peer or seq); receivers drop it */
export class InvalidAnnouncementError extends InternalError {
  override name = 'InvalidAnnouncementError'
}

/** Thrown when a peer's manifest or batch is not a valid artdag/state document */
export class InvalidManifestError extends InternalError {
  override name = 'InvalidManifestError'
}

/** Thrown by announce()/publishNow()/resolvePeer() before start() or after stop() */
export class SyncNotStartedError extends DomainError {
  override name = 'SyncNotStartedError'
  readonly status = 503
  readonly code = 'sync-not-started'
}

/** Reported (logged, counted, returned by publishNow) when a manifest publish reached no peer */
export class PublishUnreachedError extends InternalError {
  override name = 'PublishUnreachedError'
}

/** Thrown by resolvePeer when the peer's IPNS name cannot be resolved in time */
export class PeerResolveError extends DomainError {
  override name = 'PeerResolveError'
  readonly status = 504
  readonly code = 'peer-resolve-timeout'
}

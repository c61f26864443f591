import { DomainError, InternalError } from '../util/index.js'

/**
 * Named errors of the Redis state layer, and of the records it keeps (runs, recipes) that other folders
 * refuse requests with.
 */

/** Thrown by createRedisConnection when Redis does not answer within the startup timeout */
export class RedisUnavailableError extends DomainError {
  override name = 'RedisUnavailableError'
  readonly status = 503
  readonly code = 'redis-unavailable'
}

/** Thrown by readRedisPassword when the password file cannot be read or is empty */
export class RedisPasswordFileError extends InternalError {
  override name = 'RedisPasswordFileError'
}

/** Thrown by redisEndpoint for a URL that names no Redis it can reach (bad scheme, no host, no socket path) */
export class InvalidRedisUrlError extends InternalError {
  override name = 'InvalidRedisUrlError'
}

/** Thrown by startManagedRedis when the `redis-server` binary cannot be found */
export class RedisNotInstalledError extends InternalError {
  override name = 'RedisNotInstalledError'
}

/** Thrown by startManagedRedis when redis-server exits or does not become ready in time */
export class ManagedRedisStartError extends InternalError {
  override name = 'ManagedRedisStartError'
}

/** Thrown by startManagedRedis when a live node still owns the redis-server of the data dir */
export class ManagedRedisInUseError extends InternalError {
  override name = 'ManagedRedisInUseError'
}

/** Thrown by list() calls whose offset or limit is out of range */
export class InvalidPageError extends DomainError {
  override name = 'InvalidPageError'
  readonly status = 400
  readonly code = 'invalid-page'
}

/** Thrown by ContentIndex.remove when runs still use the CID as input or output */
export class ContentInUseError extends DomainError {
  override name = 'ContentInUseError'
  readonly status = 409
  readonly code = 'content-in-use'
}

/** Thrown when an option has a value that cannot work (a lease of 0 ms, an empty worker id...) */
export class InvalidStateOptionError extends InternalError {
  override name = 'InvalidStateOptionError'
}

/** Thrown by stores when a record to write is malformed (a createdAt that is not a date...) */
export class InvalidRecordError extends DomainError {
  override name = 'InvalidRecordError'
  readonly status = 400
  readonly code = 'invalid-record'
}

/** Thrown by ContentIndex.remove for content known to be published on L2 */
export class ContentPublishedError extends DomainError {
  override name = 'ContentPublishedError'
  readonly status = 409
  readonly code = 'content-published'
}

/** Thrown when a run id is unknown */
export class RunNotFoundError extends DomainError {
  override name = 'RunNotFoundError'
  readonly status = 404
  readonly code = 'run-not-found'
}

/** Thrown when an operation is not allowed in the run's current status (discarding a running run...) */
export class RunStateError extends DomainError {
  override name = 'RunStateError'
  readonly status = 409
  readonly code = 'run-state'
}

/** Thrown when a run request or a config route names no stored recipe (and, for a run, no effect) */
export class RecipeNotFoundError extends DomainError {
  override name = 'RecipeNotFoundError'
  readonly status = 404
  readonly code = 'recipe-not-found'
}

/**
 * Named errors of the Redis state layer (STYLE rule 9). Callers branch on `err.name`.
 */

/** Thrown by createRedisConnection when Redis does not answer within the startup timeout */
export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError'
}

/** Thrown by readRedisPassword when the password file cannot be read or is empty */
export class RedisPasswordFileError extends Error {
  override name = 'RedisPasswordFileError'
}

/** Thrown by redisEndpoint for a URL that names no Redis it can reach (bad scheme, no host, no socket path) */
export class InvalidRedisUrlError extends Error {
  override name = 'InvalidRedisUrlError'
}

/** Thrown by startManagedRedis when the `redis-server` binary cannot be found */
export class RedisNotInstalledError extends Error {
  override name = 'RedisNotInstalledError'
}

/** Thrown by startManagedRedis when redis-server exits or does not become ready in time */
export class ManagedRedisStartError extends Error {
  override name = 'ManagedRedisStartError'
}

/** Thrown by startManagedRedis when a live node still owns the redis-server of the data dir */
export class ManagedRedisInUseError extends Error {
  override name = 'ManagedRedisInUseError'
}

/** Thrown by list() calls whose offset or limit is out of range */
export class InvalidPageError extends Error {
  override name = 'InvalidPageError'
}

/** Thrown by RunStore.updateStep when the run has no step with that id */
export class UnknownStepError extends Error {
  override name = 'UnknownStepError'
}

/** Thrown by RunStore.update when the mutation changes the run id */
export class RunIdChangedError extends Error {
  override name = 'RunIdChangedError'
}

/** Thrown by RunStore.update when concurrent writers keep winning for too many attempts */
export class UpdateConflictError extends Error {
  override name = 'UpdateConflictError'
}

/** Thrown by Claims.hold when the claim could not be taken (another worker owns it) */
export class ClaimNotAcquiredError extends Error {
  override name = 'ClaimNotAcquiredError'
}

/** Abort reason (and error of hold) when renewal finds that the claim now belongs to someone else or expired */
export class ClaimLostError extends Error {
  override name = 'ClaimLostError'
}

/** Thrown by Claims methods after stop() */
export class ClaimsStoppedError extends Error {
  override name = 'ClaimsStoppedError'
}

/** Thrown by ContentIndex.remove when runs still use the CID as input or output */
export class ContentInUseError extends Error {
  override name = 'ContentInUseError'
}

/** Thrown when an option has a value that cannot work (a lease of 0 ms, an empty worker id...) */
export class InvalidStateOptionError extends Error {
  override name = 'InvalidStateOptionError'
}

/** Thrown by stores when a record to write is malformed (a createdAt that is not a date...) */
export class InvalidRecordError extends Error {
  override name = 'InvalidRecordError'
}

/** Thrown by ContentIndex.remove for content known to be published on L2 */
export class ContentPublishedError extends Error {
  override name = 'ContentPublishedError'
}

import { DomainError } from '../../util/index.js'

/** Thrown by RemoteFetcher.fetch when no peer is known or connected to ask for the DAG in bulk */
export class NoBulkSourceError extends DomainError {
  override name = 'NoBulkSourceError'
  readonly status = 404
  readonly code = 'no-bulk-source'
}

/** Thrown by RemoteFetcher.fetch when every bulk attempt (HTTP CAR, then libp2p CAR) failed; the message lists each reason */
export class BulkFetchFailedError extends DomainError {
  override name = 'BulkFetchFailedError'
  readonly status = 502
  readonly code = 'bulk-fetch-failed'
}

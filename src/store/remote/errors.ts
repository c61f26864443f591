/** Thrown by RemoteFetcher.fetch when no peer is known or connected to ask for the DAG in bulk */
export class NoBulkSourceError extends Error {
  override name = 'NoBulkSourceError'
}

/** Thrown by RemoteFetcher.fetch when every bulk attempt (HTTP CAR, then libp2p CAR) failed; the message lists each reason */
export class BulkFetchFailedError extends Error {
  override name = 'BulkFetchFailedError'
}

/**
 * Errors of the content library (STYLE rule 9). Each carries the HTTP `status` and stable `code` the
 * API's error middleware answers with.
 */
export abstract class ContentLibraryError extends Error {
  abstract readonly status: number
  abstract readonly code: string
}

/** Thrown when deleting content that is published to L2 (published items are never deleted) */
export class PublishedContentError extends ContentLibraryError {
  override name = 'PublishedContentError'
  readonly status = 409
  readonly code = 'content-published'
}

/** Thrown when deleting content that is an input or output of a run (discard the runs first) */
export class ContentReferencedError extends ContentLibraryError {
  override name = 'ContentReferencedError'
  readonly status = 409
  readonly code = 'content-in-use'
}

/** Thrown when deleting a CID this node neither lists nor holds */
export class UnknownContentError extends ContentLibraryError {
  override name = 'UnknownContentError'
  readonly status = 404
  readonly code = 'content-not-found'
}

/** Thrown when discarding a completed run one of whose items (inputs, output, intermediates) is published */
export class RunPublishedError extends ContentLibraryError {
  override name = 'RunPublishedError'
  readonly status = 409
  readonly code = 'run-published'
}

/** Thrown when discarding a run that is still pending or running: it must be cancelled first */
export class RunActiveError extends ContentLibraryError {
  override name = 'RunActiveError'
  readonly status = 409
  readonly code = 'run-active'
}

/** Thrown when discarding a run id that is not known */
export class UnknownRunError extends ContentLibraryError {
  override name = 'UnknownRunError'
  readonly status = 404
  readonly code = 'run-not-found'
}

/** Thrown when an upload grows past the configured limit; nothing of it is kept */
export class UploadTooLargeError extends ContentLibraryError {
  override name = 'UploadTooLargeError'
  readonly status = 413
  readonly code = 'upload-too-large'
}

/** Thrown by importPath when the node has no importer configured */
export class ImportUnavailableError extends ContentLibraryError {
  override name = 'ImportUnavailableError'
  readonly status = 403
  readonly code = 'import-disabled'
}

/**
 * Thrown when an upload or import does not fit the store's quota (ARTDAG_STORE_MAX_BYTES); nothing of
 * it is kept. A 4xx: the node is healthy, this content is too large for the space it has left.
 */
export class StoreQuotaExceededError extends ContentLibraryError {
  override name = 'StoreQuotaExceededError'
  readonly status = 413
  readonly code = 'store-full'
}

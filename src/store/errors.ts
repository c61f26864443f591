import { DomainError, InternalError } from '../util/index.js'

/** Thrown when content is not local and no peer asked has it (each said no, or none could be asked) */
export class ContentNotFoundError extends DomainError {
  override name = 'ContentNotFoundError'
  readonly status = 404
  readonly code = 'content-not-found'
}

/** Thrown when a peer did not answer, or stopped sending, for longer than the fetch deadline */
export class FetchTimeoutError extends DomainError {
  override name = 'FetchTimeoutError'
  readonly status = 504
  readonly code = 'fetch-timeout'
}

/**
 * Thrown when a stored block's bytes no longer hash to its CID; such bytes are never returned, and the
 * damaged block is dropped from the blockstore (a later read fetches it from a peer that has it). A 502:
 * the storage behind the node gave bad bytes, the request itself was fine.
 */
export class CorruptContentError extends DomainError {
  override name = 'CorruptContentError'
  readonly status = 502
  readonly code = 'corrupt-content'
  /**
   * a step that reads it is not retried (src/exec `isDeterministic`): the block is dropped, so a retry
   * would only wait out the fetch deadline; the step that produced the content must run again instead,
   * which the next run does (its cache entry is forgotten, see ContentStoreInit.onCorrupt)
   */
  readonly deterministic = true
  /** the CID of the damaged block */
  readonly block?: string

  constructor (message: string, options?: ErrorOptions & { block?: string }) {
    super(message, options)
    if (options?.block != null) this.block = options.block
  }
}

/**
 * Thrown when an add would grow the store past its `maxBytes` quota (ARTDAG_STORE_MAX_BYTES); nothing of
 * the add is kept. A 413: the node is healthy, this content is too large for the space it has left.
 */
export class StoreFullError extends DomainError {
  override name = 'StoreFullError'
  readonly status = 413
  readonly code = 'store-full'
  /**
   * a step that hits it is not retried: the space is only freed by someone deleting content, so a retry a
   * second later renders the whole step again only to fail the same way; the run fails at once, naming the quota
   */
  readonly deterministic = true
}

/** Thrown when a string is not a CID, or a CID uses a codec/hash the store (or the CAR path) does not handle */
export class InvalidCidError extends DomainError {
  override name = 'InvalidCidError'
  readonly status = 400
  readonly code = 'invalid-cid'
}

/** Thrown when offset/length of a get are not non-negative integers or fall outside the content */
export class InvalidRangeError extends DomainError {
  override name = 'InvalidRangeError'
  readonly status = 416
  readonly code = 'invalid-range'
}

/** Thrown when a byte read (get/stat/exportToFile) is asked of a CID that is not a UnixFS file or raw block */
export class NotAFileError extends DomainError {
  override name = 'NotAFileError'
  readonly status = 400
  readonly code = 'not-a-file'
}

/** Thrown when a pin reason is not one of PinReason (reasons come from the code, never from a request) */
export class InvalidPinReasonError extends InternalError {
  override name = 'InvalidPinReasonError'
}

/** Thrown when importing local files is asked of a node with no import directory configured */
export class ImportDisabledError extends DomainError {
  override name = 'ImportDisabledError'
  readonly status = 403
  readonly code = 'import-disabled'
}

/** Thrown by importFile when the real path of the file is outside every import directory */
export class OutsideImportDirsError extends DomainError {
  override name = 'OutsideImportDirsError'
  readonly status = 403
  readonly code = 'outside-import-dirs'
}

/** Thrown by importFile / addFile when the file does not exist */
export class ImportFileNotFoundError extends DomainError {
  override name = 'ImportFileNotFoundError'
  readonly status = 404
  readonly code = 'import-file-not-found'
}

/** Thrown by importFile / addFile when the path is a directory or another non-regular file */
export class ImportNotAFileError extends DomainError {
  override name = 'ImportNotAFileError'
  readonly status = 400
  readonly code = 'import-not-a-file'
}

/** Thrown by importFile / addFile when the file exists but cannot be read */
export class ImportUnreadableError extends DomainError {
  override name = 'ImportUnreadableError'
  readonly status = 403
  readonly code = 'import-unreadable'
}

/** Thrown by importFile when the file turned into a symbolic link between resolving its path and opening it */
export class ImportFileChangedError extends DomainError {
  override name = 'ImportFileChangedError'
  readonly status = 409
  readonly code = 'import-file-changed'
}

/** Thrown by gc() once the store is stopping: a collection running then is aborted between two batches */
export class StoreStoppedError extends DomainError {
  override name = 'StoreStoppedError'
  readonly status = 503
  readonly code = 'store-stopped'
}

/**
 * Thrown when the peer that was sending content stopped part way (its connection broke, the stream was
 * cut short, or it sent a block that does not match its CID); the message names the peer and the cause
 */
export class PeerBrokeOffError extends DomainError {
  override name = 'PeerBrokeOffError'
  readonly status = 502
  readonly code = 'peer-broke-off'
}

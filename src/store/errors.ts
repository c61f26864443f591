/** Thrown when content is not local and no peer asked has it (each said no, or none could be asked) */
export class ContentNotFoundError extends Error {
  override name = 'ContentNotFoundError'
}

/** Thrown when a peer did not answer, or stopped sending, for longer than the fetch deadline */
export class FetchTimeoutError extends Error {
  override name = 'FetchTimeoutError'
}

/**
 * Thrown when a stored block's bytes no longer hash to its CID; such bytes are never returned, and the
 * damaged block is dropped from the blockstore (a later read fetches it from a peer that has it)
 */
export class CorruptContentError extends Error {
  override name = 'CorruptContentError'
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

/** Thrown when an add would grow the store past its `maxBytes` quota; nothing of the add is kept */
export class StoreFullError extends Error {
  override name = 'StoreFullError'
  /**
   * a step that hits it is not retried: the space is only freed by someone deleting content, so a retry a
   * second later renders the whole step again only to fail the same way; the run fails at once, naming the quota
   */
  readonly deterministic = true
}

/** Thrown when a string is not a CID, or a CID uses a codec/hash the store does not handle */
export class InvalidCidError extends Error {
  override name = 'InvalidCidError'
}

/** Thrown when offset/length of a get are not non-negative integers or fall outside the content */
export class InvalidRangeError extends Error {
  override name = 'InvalidRangeError'
}

/** Thrown when a byte read (get/stat/exportToFile) is asked of a CID that is not a UnixFS file or raw block */
export class NotAFileError extends Error {
  override name = 'NotAFileError'
}

/** Thrown when a pin reason is not one of PinReason */
export class InvalidPinReasonError extends Error {
  override name = 'InvalidPinReasonError'
}

/** Thrown by importFile when no import directory is configured */
export class ImportDisabledError extends Error {
  override name = 'ImportDisabledError'
}

/** Thrown by importFile when the real path of the file is outside every import directory */
export class OutsideImportDirsError extends Error {
  override name = 'OutsideImportDirsError'
}

/** Thrown by importFile / addFile when the file does not exist */
export class ImportFileNotFoundError extends Error {
  override name = 'ImportFileNotFoundError'
}

/** Thrown by importFile / addFile when the path is a directory or another non-regular file */
export class ImportNotAFileError extends Error {
  override name = 'ImportNotAFileError'
}

/** Thrown by importFile / addFile when the file exists but cannot be read */
export class ImportUnreadableError extends Error {
  override name = 'ImportUnreadableError'
}

/** Thrown by importFile when the file turned into a symbolic link between resolving its path and opening it */
export class ImportFileChangedError extends Error {
  override name = 'ImportFileChangedError'
}

/** Thrown by gc() once the store is stopping: a collection running then is aborted between two batches */
export class StoreStoppedError extends Error {
  override name = 'StoreStoppedError'
}

/**
 * Thrown when the peer that was sending content stopped part way (its connection broke, the stream was
 * cut short, or it sent a block that does not match its CID); the message names the peer and the cause
 */
export class PeerBrokeOffError extends Error {
  override name = 'PeerBrokeOffError'
}

import { DomainError } from '../util/index.js'

/**
 * Errors of the content library. The refusals it shares with the layers below (content not found, in
 * use, published; a full store; a run not found or still active) are those layers' own classes.
 */

/** Thrown when a request body, an upload or a form grows past the node's limit; nothing of it is kept */
export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError'
  readonly status = 413
  readonly code = 'payload-too-large'
}

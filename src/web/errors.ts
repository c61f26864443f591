import { DomainError } from '../util/index.js'

/** Errors of the web UI; the page that shows one renders its message (never a stack trace) */
export abstract class WebError extends DomainError {}

/** A form had invalid or missing fields; `problems` lists every one of them */
export class FormError extends WebError {
  override name = 'FormError'
  readonly status = 400
  readonly code = 'invalid-form'
  constructor (message: string, readonly problems: string[] = []) {
    super(message)
    this.details = problems
  }
}

/** A page for something that does not exist (unknown run, recipe, CID) */
export class PageNotFoundError extends WebError {
  override name = 'PageNotFoundError'
  readonly status = 404
  readonly code = 'not-found'
}

/** An action (or, when reads are private, a page) needs a logged-in user */
export class LoginRequiredError extends WebError {
  override name = 'LoginRequiredError'
  readonly status = 401
  readonly code = 'login-required'
}

/** The downloadable client could not be bundled (missing sources or esbuild failure) */
export class ClientBundleError extends WebError {
  override name = 'ClientBundleError'
  readonly status = 503
  readonly code = 'client-unavailable'
}

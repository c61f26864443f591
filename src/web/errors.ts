/**
 * Errors of the web UI. Each carries the HTTP status of the page that shows it; the page renders the
 * message (never a stack trace).
 */
export class WebError extends Error {
  override name = 'WebError'
  readonly status: number = 500
  readonly code: string = 'web-error'
}

/** A form had invalid or missing fields; `problems` lists every one of them */
export class FormError extends WebError {
  override name = 'FormError'
  override readonly status = 400
  override readonly code = 'invalid-form'
  constructor (message: string, readonly problems: string[] = []) {
    super(message)
  }
}

/** A page for something that does not exist (unknown run, recipe, CID) */
export class PageNotFoundError extends WebError {
  override name = 'PageNotFoundError'
  override readonly status = 404
  override readonly code = 'not-found'
}

/** An action (or, when reads are private, a page) needs a logged-in user */
export class LoginRequiredError extends WebError {
  override name = 'LoginRequiredError'
  override readonly status = 401
  override readonly code = 'login-required'
}

/** An uploaded file or a posted form is larger than the node accepts */
export class FormTooLargeError extends WebError {
  override name = 'FormTooLargeError'
  override readonly status = 413
  override readonly code = 'too-large'
}

/** The downloadable client could not be bundled (missing sources or esbuild failure) */
export class ClientBundleError extends WebError {
  override name = 'ClientBundleError'
  override readonly status = 503
  override readonly code = 'client-unavailable'
}

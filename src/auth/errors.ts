import { DomainError, InternalError } from '../util/index.js'

/**
 * Errors of the auth area. `headers` (when present) go on the response too (`WWW-Authenticate` on
 * 401s, a cookie clearing on rejected session cookies).
 */
export abstract class AuthError extends DomainError {
  /** `expose` tells Koa the message is safe to show to the client */
  readonly expose = true
}

const BEARER_CHALLENGE = 'Bearer realm="artdag"'

abstract class Unauthenticated extends AuthError {
  readonly status = 401
  override headers: Record<string, string | string[]> = { 'WWW-Authenticate': BEARER_CHALLENGE }
}

/** A route needs a user and the request carries no credentials (or read access is not public) */
export class UnauthorizedError extends Unauthenticated {
  override name = 'UnauthorizedError'
  readonly code = 'unauthorized'
}

/** The token is malformed, unknown, has a bad signature, or was rejected by L2 */
export class InvalidTokenError extends Unauthenticated {
  override name = 'InvalidTokenError'
  readonly code = 'invalid-token'
  constructor (message: string, readonly reason: string) {
    super(message)
  }
}

/** The token's expiry has passed */
export class TokenExpiredError extends Unauthenticated {
  override name = 'TokenExpiredError'
  readonly code = 'token-expired'
}

/** The token hash is on the local revocation list (or L2 says it was revoked) */
export class TokenRevokedError extends Unauthenticated {
  override name = 'TokenRevokedError'
  readonly code = 'token-revoked'
}

/** The token is genuine but scoped to another L1 (or not scoped to any) */
export class TokenWrongScopeError extends AuthError {
  override name = 'TokenWrongScopeError'
  readonly status = 403
  readonly code = 'token-wrong-scope'
}

/** The caller is authenticated but not allowed to do this */
export class ForbiddenError extends AuthError {
  override name = 'ForbiddenError'
  readonly status = 403
  readonly code = 'forbidden'
}

/**
 * A write carrying the session cookie came from another origin, or without the session's CSRF token
 * (src/auth/csrf.ts has the rule)
 */
export class CsrfRejectedError extends AuthError {
  override name = 'CsrfRejectedError'
  readonly status = 403
  readonly code = 'csrf-rejected'
}

/** A request to an auth route is missing a parameter or has an unreadable body */
export class InvalidAuthRequestError extends AuthError {
  override name = 'InvalidAuthRequestError'
  readonly status = 400
  readonly code = 'invalid-request'
}

/** An auth route that has no meaning in the current mode (e.g. revoking tokens in `none` mode) */
export class AuthDisabledError extends AuthError {
  override name = 'AuthDisabledError'
  readonly status = 404
  readonly code = 'auth-disabled'
}

/** L2 could not be reached, timed out, or answered with a server error */
export class L2UnavailableError extends AuthError {
  override name = 'L2UnavailableError'
  readonly status = 503
  readonly code = 'l2-unavailable'
}

/** L2 answered, but not in the agreed protocol (wrong status or body) */
export class L2ResponseError extends AuthError {
  override name = 'L2ResponseError'
  readonly status = 502
  readonly code = 'l2-bad-response'
}

/** createAuth / createL2Client were given options that cannot work; thrown at startup */
export class AuthConfigError extends InternalError {
  override name = 'AuthConfigError'
}

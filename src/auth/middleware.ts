import type { Context, Middleware } from 'koa'
import type { Logger } from '../util/index.js'
import type { Authenticator } from './authenticator.js'
import { anonymousUser } from './authenticator.js'
import { clearedCookie, readCookie, type SessionCookieOptions } from './cookies.js'
import { checkCsrf } from './csrf.js'
import {
  type AuthError, InvalidTokenError, TokenExpiredError, TokenRevokedError, TokenWrongScopeError, UnauthorizedError
} from './errors.js'
import type { AuthMode, AuthState, AuthUser } from './types.js'
import { currentUser } from './types.js'

export interface Credential {
  /** the Bearer token, or the session id of the cookie */
  token: string
  via: 'bearer' | 'cookie'
  /** names the credential in error messages */
  where: string
}

/** Paths where a rejected session cookie is dropped instead of failing the request, so a user can log in again */
const COOKIE_LENIENT_PATHS = new Set(['/auth', '/logout'])
/** Paths whose handler checks the presented credential itself (L2 presents a token it may already have revoked) */
const SELF_AUTHENTICATING_PATHS = new Set(['/auth/revoke-user'])

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i

/** The token of a request: `Authorization: Bearer` first, then the session cookie */
export function readCredential (ctx: Context, cookie: SessionCookieOptions): Credential | undefined {
  const header = ctx.get('authorization')
  if (header !== '') {
    const match = BEARER.exec(header)
    if (match?.[1] == null) {
      throw new InvalidTokenError('Authorization header is malformed: expected "Bearer <token>"', 'malformed')
    }
    return { token: match[1], via: 'bearer', where: 'bearer token' }
  }
  const value = readCookie(ctx.get('cookie'), cookie.name)
  return value == null ? undefined : { token: value, via: 'cookie', where: 'session cookie' }
}

function isRejection (err: unknown): err is AuthError {
  return err instanceof InvalidTokenError || err instanceof TokenExpiredError ||
    err instanceof TokenRevokedError || err instanceof TokenWrongScopeError
}

export interface MiddlewareDeps {
  mode: AuthMode
  authenticator: Authenticator
  cookie: SessionCookieOptions
  /** origins besides the request's own that may send writes with the session cookie (the public URL's) */
  trustedOrigins: readonly string[]
  logger: Logger
}

/**
 * Sets ctx.state.user from the request's credential, then applies the CSRF rule (src/auth/csrf.ts)
 * to every write; anonymous requests pass through without a user
 */
export function authMiddleware (deps: MiddlewareDeps): Middleware {
  const log = deps.logger.child({ component: 'auth:middleware' })
  return async (ctx, next) => {
    const state = ctx.state as AuthState
    if (deps.mode === 'none') {
      state.user = anonymousUser()
      await checkCsrf(ctx, state.user, deps.trustedOrigins)
      await next()
      return
    }
    if (SELF_AUTHENTICATING_PATHS.has(ctx.path)) {
      await checkCsrf(ctx, undefined, deps.trustedOrigins)
      await next()
      return
    }
    const credential = readCredential(ctx, deps.cookie)
    if (credential != null) {
      try {
        state.user = credential.via === 'cookie'
          ? await deps.authenticator.authenticateSession(credential.token, credential.where)
          : await deps.authenticator.authenticate(credential.token, credential.via, credential.where)
      } catch (err) {
        if (credential.via !== 'cookie' || !isRejection(err)) throw err
        // a dead session cookie is removed in the same response, so the next request is anonymous
        const clear = clearedCookie(deps.cookie)
        ctx.append('Set-Cookie', clear)
        if (!COOKIE_LENIENT_PATHS.has(ctx.path)) {
          err.headers = { ...err.headers, 'Set-Cookie': clear }
          throw err
        }
        log.debug({ path: ctx.path, error: err.code }, 'dropped a rejected session cookie')
      }
    }
    await checkCsrf(ctx, state.user, deps.trustedOrigins)
    await next()
  }
}

/** Fails with UnauthorizedError (401) unless the request has a user */
export function requireUserMiddleware (): Middleware {
  return async (ctx, next) => {
    if (currentUser(ctx) == null) {
      throw new UnauthorizedError('authentication required: send "Authorization: Bearer <token>" or log in')
    }
    await next()
  }
}

export function isReadAllowed (publicReads: boolean, ctx: Context): boolean {
  return publicReads || currentUser(ctx) != null
}

/** Fails with UnauthorizedError (401) when reads are not public and the request has no user */
export function requireReadMiddleware (publicReads: boolean): Middleware {
  return async (ctx, next) => {
    if (!isReadAllowed(publicReads, ctx)) {
      throw new UnauthorizedError('this node does not allow anonymous reads: send "Authorization: Bearer <token>" or log in')
    }
    await next()
  }
}

export type { AuthUser }

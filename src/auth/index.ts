import type Router from '@koa/router'
import type { Context, Middleware } from 'koa'
import type { Logger } from '../util/index.js'
import { Authenticator } from './authenticator.js'
import { CSRF_FIELD, CSRF_HEADER, DEFAULT_COOKIE_NAME } from './constants.js'
import { COOKIE_NAME, type SessionCookieOptions } from './cookies.js'
import { AuthConfigError } from './errors.js'
import type { L2Client } from './l2-client.js'
import { authMiddleware, isReadAllowed, requireReadMiddleware, requireUserMiddleware } from './middleware.js'
import { authRouter } from './routes.js'
import { generateAdminToken, hashToken } from './tokens.js'
import type { AuthMode, AuthUser, TokenStorePort } from './types.js'

export * from './errors.js'
export { createL2Client } from './l2-client.js'
export type { L2Client, L2ClientInit, L2Identity, TokenCheck, CallOptions } from './l2-client.js'
export { currentUser } from './types.js'
export type { AuthMode, AuthState, AuthUser, SessionRecord, TokenStorePort } from './types.js'
export { hashToken } from './tokens.js'
export { revokeResultSchema, revokeUserResultSchema, whoAmISchema, type RevokeResult, type RevokeUserResult, type WhoAmI } from './responses.js'
export { CSRF_FIELD, CSRF_HEADER }

export interface AuthInit {
  /** `l2`: tokens issued by L2, scoped to this node; `local`: one admin token; `none`: everyone is `anonymous` (dev) */
  mode: AuthMode
  /** this node's public URL; required in l2 mode (tokens must be scoped to it); https makes cookies Secure */
  publicUrl?: string
  /** L2's domain, for user handles `@name@domain` */
  l2Domain?: string
  /** whether reads (GET of runs, cache, recipes) are allowed without a user */
  publicReads: boolean
  tokens: TokenStorePort
  /** required in l2 mode */
  l2?: L2Client
  logger: Logger
  /** @default 'artdag_session' */
  cookieName?: string
  /** @default true when publicUrl is https */
  secureCookies?: boolean
  /** accept L2 tokens that carry no L1 scope at all @default false */
  allowUnscopedTokens?: boolean
}

export interface Auth {
  readonly mode: AuthMode
  /**
   * Reads `Authorization: Bearer <token>`, else the session cookie (a session id), and sets
   * `ctx.state.user` (an AuthUser). Requests without credentials pass through anonymous; a bad
   * credential fails with a 401/403 AuthError (a bad cookie is also cleared). In `none` mode every
   * request is `anonymous`. Then every write (any method but GET/HEAD/OPTIONS) not made with a Bearer
   * token must pass the CSRF rule (src/auth/csrf.ts): 403 `csrf-rejected` otherwise.
   */
  middleware(): Middleware
  /** Throws UnauthorizedError (401) when the request has no user */
  readonly requireUser: Middleware
  /** Throws UnauthorizedError (401) when reads are not public and the request has no user */
  readonly requireRead: Middleware
  /** true when publicReads, or the request has a user */
  isReadAllowed(ctx: Context): boolean
  /**
   * `GET /auth?auth_token=` (l2) or `?token=` (local): verifies, opens a session (the cookie holds its
   * random id, Redis maps it to the user), redirects to `/`.
   * `POST /auth/revoke` (authenticated): body `{token}` or `{token_hash}` of the caller's own token (any
   * token for the admin), or nothing (the caller's own). Revoking the local admin token removes it: the
   * next start prints a new one.
   * `POST /auth/revoke-user`: body `{username}` plus a token of that user (Bearer or body `token`) that L2
   * recognises, even if L2 already revoked it; in local mode the admin token.
   * `POST /logout`: ends the session (and revokes its L2 token), clears the cookie, redirects to `/`.
   */
  router(): Router
  /** Verifies a token outside of HTTP (e.g. a websocket) the way the middleware does */
  authenticate(token: string, options?: { signal?: AbortSignal }): Promise<AuthUser>
  /**
   * Local mode: on first start creates a random admin token, stores only its sha256, and returns
   * it (to be printed once); returns undefined when one exists already, and in other modes.
   */
  ensureAdminToken(): Promise<string | undefined>
  /** Local mode: replaces the admin token (the old one and its sessions stop working at once) and returns the new one */
  rotateAdminToken(): Promise<string>
}

/**
 * Replaces the local admin token with a new random one and returns it (to be shown once): only its
 * sha256 is stored, and the old hash is overwritten, so the old token and every session opened with
 * it stop working for good. `artdag admin-token rotate` calls this on a stopped node's Redis.
 */
export async function rotateAdminToken (tokens: Pick<TokenStorePort, 'setAdminTokenHash'>): Promise<string> {
  const token = generateAdminToken()
  await tokens.setAdminTokenHash(hashToken(token))
  return token
}

export function createAuth (init: AuthInit): Auth {
  const log = init.logger.child({ component: 'auth' })
  if (init.mode === 'l2') {
    if (init.l2 == null) throw new AuthConfigError('auth mode l2 needs an L2 client: set l2Server')
    if (init.publicUrl == null) throw new AuthConfigError('auth mode l2 needs publicUrl: L2 tokens are scoped to it')
  }
  const cookieName = init.cookieName ?? DEFAULT_COOKIE_NAME
  if (!COOKIE_NAME.test(cookieName)) {
    throw new AuthConfigError(`cookieName "${cookieName}" must be 1 to 64 letters, digits, _ or -`)
  }
  const cookie: SessionCookieOptions = {
    name: cookieName,
    secure: init.secureCookies ?? (init.publicUrl?.toLowerCase().startsWith('https:') === true)
  }
  const authenticator = new Authenticator({
    mode: init.mode,
    tokens: init.tokens,
    l2: init.l2,
    publicUrl: init.publicUrl,
    l2Domain: init.l2Domain,
    allowUnscopedTokens: init.allowUnscopedTokens ?? false,
    logger: init.logger
  })
  const trustedOrigins = init.publicUrl != null ? [new URL(init.publicUrl).origin] : []
  const deps = { mode: init.mode, authenticator, tokens: init.tokens, cookie, trustedOrigins, logger: init.logger }

  const rotate = async (): Promise<string> => {
    if (init.mode !== 'local') throw new AuthConfigError(`there is no admin token in auth mode ${init.mode}`)
    const previous = await init.tokens.getAdminTokenHash()
    const token = await rotateAdminToken(init.tokens)
    log.info({ rotated: previous != null }, 'admin token created')
    return token
  }

  return {
    mode: init.mode,
    middleware: () => authMiddleware(deps),
    requireUser: requireUserMiddleware(),
    requireRead: requireReadMiddleware(init.publicReads),
    isReadAllowed: (ctx) => isReadAllowed(init.publicReads, ctx),
    router: () => authRouter(deps),
    authenticate: async (token, options = {}) => await authenticator.authenticate(token, 'bearer', 'token', options.signal),
    async ensureAdminToken () {
      if (init.mode !== 'local') return undefined
      if (await init.tokens.getAdminTokenHash() != null) return undefined
      return await rotate()
    },
    rotateAdminToken: rotate
  }
}

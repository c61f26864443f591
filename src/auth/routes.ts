import Router from '@koa/router'
import type { Context } from 'koa'
import type { Logger } from '../util/index.js'
import type { Authenticator } from './authenticator.js'
import { readAuthBody } from './body.js'
import { clearedCookie, sessionCookie, type SessionCookieOptions } from './cookies.js'
import {
  AuthDisabledError, ForbiddenError, InvalidAuthRequestError, InvalidTokenError, UnauthorizedError
} from './errors.js'
import { readCredential } from './middleware.js'
import { checkTokenFormat, hashToken, isTokenHash, sameHash } from './tokens.js'
import type { AuthMode, AuthUser, TokenStorePort } from './types.js'
import { currentUser } from './types.js'
import type { RevokeResult, RevokeUserResult, WhoAmI } from './responses.js'

export interface RouteDeps {
  mode: AuthMode
  authenticator: Authenticator
  tokens: TokenStorePort
  cookie: SessionCookieOptions
  logger: Logger
}

const MAX_USERNAME = 256

/** A token to revoke: its hash and, when known, when it expires anyway */
interface Target { tokenHash: string, expiresAt?: Date }

/** `/auth`, `/auth/revoke`, `/auth/revoke-user`, `/auth/whoami`, `/logout` (see createAuth for the contract of each) */
export function authRouter (deps: RouteDeps): Router {
  const log = deps.logger.child({ component: 'auth:routes' })
  const router = new Router()
  const disabled = (): never => { throw new AuthDisabledError('auth mode is "none": there are no tokens here') }

  router.get('/auth', async (ctx) => {
    if (deps.mode === 'none') {
      ctx.redirect('/')
      return
    }
    const param = deps.mode === 'l2' ? 'auth_token' : 'token'
    const token = ctx.query[param]
    if (typeof token !== 'string' || token === '') {
      throw new InvalidAuthRequestError(deps.mode === 'l2'
        ? 'query parameter auth_token is required (L2 redirects here with it)'
        : 'query parameter token is required (the admin token printed when the node first started)')
    }
    const session = await deps.authenticator.openSession(token, param)
    ctx.append('Set-Cookie', sessionCookie(deps.cookie, session.sessionId, session.maxAgeS))
    ctx.set('Cache-Control', 'no-store')
    ctx.set('Referrer-Policy', 'no-referrer')
    log.info({ user: session.user.name, tokenHash: session.user.tokenHash }, 'browser session started')
    ctx.redirect('/')
  })

  router.post('/auth/revoke', async (ctx) => {
    if (deps.mode === 'none') disabled()
    const user = currentUser(ctx)
    if (user?.tokenHash == null) {
      throw new UnauthorizedError('revoking a token requires authentication (Authorization: Bearer, or the session): a token may be revoked by its owner or the node admin')
    }
    const target = await revokeTarget(deps, user, await readAuthBody(ctx))
    await revoke(deps, log, target, user.name)
    if (user.via === 'cookie' && user.tokenHash === target.tokenHash) await endSession(deps, ctx, user)
    ctx.body = { revoked: 1, token_hash: target.tokenHash } satisfies RevokeResult
  })

  router.post('/auth/revoke-user', async (ctx) => {
    if (deps.mode === 'none') disabled()
    const body = await readAuthBody(ctx)
    const username = body.username ?? body.user
    if (username == null || username.trim() === '' || username.length > MAX_USERNAME) {
      throw new InvalidAuthRequestError(`body field username is required (1 to ${MAX_USERNAME} characters)`)
    }
    const proof = proofToken(ctx, body, deps.cookie)
    const expiresAt = await checkRevokeUserProof(deps, proof, username)
    const count = await deps.tokens.revokeUser(username)
    // the presented token may never have been used here, so it is not among the recorded ones
    if (deps.mode === 'l2') await deps.tokens.revokeToken(hashToken(proof.token), expiresAt)
    deps.authenticator.forgetUser(username)
    log.info({ user: username, count }, 'all tokens of a user revoked')
    ctx.body = { revoked: count, username } satisfies RevokeUserResult
  })

  /** who the caller is, for `artdag login` and scripts: never fails, null when anonymous */
  router.get('/auth/whoami', async (ctx) => {
    const user = currentUser(ctx)
    ctx.body = { user: user?.name ?? null, via: user?.via ?? null, admin: user?.admin ?? false, mode: deps.mode } satisfies WhoAmI
  })

  // a POST only: it is a write, so it passes the CSRF rule like every other
  router.post('/logout', async (ctx) => {
    const user = currentUser(ctx)
    // the local admin token is the only way in: logging out ends the browser session, it does not revoke it
    if (deps.mode === 'l2' && user?.tokenHash != null) {
      await deps.tokens.revokeToken(user.tokenHash, user.expiresAt)
      deps.authenticator.forget(user.tokenHash)
      log.info({ user: user.name, tokenHash: user.tokenHash }, 'logged out')
    }
    if (user != null) await endSession(deps, ctx, user)
    ctx.set('Cache-Control', 'no-store')
    ctx.redirect('/')
  })
  return router
}

async function endSession (deps: RouteDeps, ctx: Context, user: AuthUser): Promise<void> {
  if (user.sessionIdHash != null) await deps.tokens.deleteSession(user.sessionIdHash)
  if (deps.mode !== 'none') ctx.append('Set-Cookie', clearedCookie(deps.cookie))
}

/**
 * Which token `/auth/revoke` revokes: body `{token}` or `{token_hash}` of the caller's own token or,
 * for the admin, any; no body: the caller's own. In l2 mode a token of the caller that is not the one
 * presented is matched to its owner by L2.
 */
async function revokeTarget (deps: RouteDeps, user: AuthUser, body: Record<string, string>): Promise<Target> {
  const own: Target = { tokenHash: user.tokenHash ?? '', ...(user.expiresAt != null ? { expiresAt: user.expiresAt } : {}) }
  if (body.token != null) {
    const token = checkTokenFormat(body.token, 'body field token')
    const tokenHash = hashToken(token)
    if (tokenHash === own.tokenHash) return own
    if (deps.mode === 'local') throw new InvalidAuthRequestError('body field token is not a token of this node')
    const check = await deps.authenticator.l2().checkToken(token)
    const owner = check.valid ? check.identity.username : check.reason === 'revoked' ? check.username : undefined
    if (!user.admin && owner !== user.name) {
      throw new ForbiddenError('body field token is not yours: only its owner or the node admin may revoke it')
    }
    return { tokenHash, ...(check.valid && check.identity.expiresAt != null ? { expiresAt: check.identity.expiresAt } : {}) }
  }
  if (body.token_hash != null) {
    if (!isTokenHash(body.token_hash)) {
      throw new InvalidAuthRequestError('body field token_hash must be 64 lowercase hex characters (sha256)')
    }
    if (body.token_hash === own.tokenHash) return own
    if (!user.admin) throw new ForbiddenError('revoking another token by token_hash is reserved to the node admin')
    if (deps.mode === 'local') throw new InvalidAuthRequestError('body field token_hash is not the hash of a token of this node')
    return { tokenHash: body.token_hash }
  }
  return own
}

/**
 * Revokes a token until it expires (forever when it does not). The local admin token never expires:
 * it is removed instead, and the node's next start makes and prints a new one.
 */
async function revoke (deps: RouteDeps, log: Logger, target: Target, by: string): Promise<void> {
  const adminHash = deps.mode === 'local' ? await deps.tokens.getAdminTokenHash() : undefined
  if (adminHash != null && sameHash(adminHash, target.tokenHash)) {
    await deps.tokens.deleteAdminTokenHash(target.tokenHash)
    log.warn({ tokenHash: target.tokenHash, by }, 'admin token revoked: the node has none until its next start, which prints a new one (or `artdag admin-token rotate` while it is stopped)')
  } else {
    await deps.tokens.revokeToken(target.tokenHash, target.expiresAt)
    log.info({ tokenHash: target.tokenHash, by }, 'token revoked')
  }
  deps.authenticator.forget(target.tokenHash)
}

interface Proof { token: string, where: string }

/** L2 calls revoke-user server to server: the proof is a Bearer token or a body field, never the browser's cookie */
function proofToken (ctx: Context, body: Record<string, string>, cookie: SessionCookieOptions): Proof {
  if (body.token != null) return { token: body.token, where: 'body field token' }
  const credential = readCredential(ctx, cookie)
  if (credential?.via !== 'bearer') {
    throw new UnauthorizedError('revoke-user requires a token of that user (Authorization: Bearer, or body field token)')
  }
  return credential
}

/**
 * L2 mode: the caller must present a genuine token of that user scoped to this node. L2 vouches
 * for it even when it has already revoked it (L2 revokes first, then calls every L1), so the worst
 * a token holder can do is log its own user out. Local mode: only the admin token. Returns when the
 * presented token expires, when known.
 */
async function checkRevokeUserProof (deps: RouteDeps, proof: Proof, username: string): Promise<Date | undefined> {
  if (deps.mode === 'local') {
    const user = await deps.authenticator.authenticate(proof.token, 'bearer', proof.where)
    if (!user.admin) throw new ForbiddenError('revoke-user is reserved to the node admin')
    return undefined
  }
  checkTokenFormat(proof.token, proof.where)
  const check = await deps.authenticator.l2().checkToken(proof.token)
  const owner = check.valid ? check.identity.username : check.reason === 'revoked' ? check.username : undefined
  if (owner == null) {
    const reason = check.valid ? 'unknown' : check.reason
    throw new InvalidTokenError(`${proof.where} rejected by L2: ${reason}`, reason)
  }
  deps.authenticator.checkScope(check.valid ? check.identity.l1Server : check.l1Server, proof.where)
  if (owner !== username) {
    throw new ForbiddenError(`${proof.where} belongs to another user: it cannot revoke the tokens of ${username}`)
  }
  return check.valid ? check.identity.expiresAt : undefined
}

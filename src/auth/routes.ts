import Router from '@koa/router'
import type { Context } from 'koa'
import type { Logger } from '../util/logger.js'
import type { Authenticator } from './authenticator.js'
import { readAuthBody } from './body.js'
import { DEFAULT_COOKIE_MAX_AGE_S } from './constants.js'
import { clearedCookie, sessionCookie, type SessionCookieOptions } from './cookies.js'
import {
  AuthDisabledError, ForbiddenError, InvalidAuthRequestError, InvalidTokenError, UnauthorizedError
} from './errors.js'
import { readCredential } from './middleware.js'
import { checkTokenFormat, hashToken, isTokenHash } from './tokens.js'
import type { AuthMode, TokenStorePort } from './types.js'
import { currentUser } from './types.js'

export interface RouteDeps {
  mode: AuthMode
  authenticator: Authenticator
  tokens: TokenStorePort
  cookie: SessionCookieOptions
  logger: Logger
}

const MAX_USERNAME = 256

/** `/auth`, `/auth/revoke`, `/auth/revoke-user`, `/logout` (see createAuth for the contract of each) */
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
    const user = await deps.authenticator.authenticate(token, 'cookie', param)
    const maxAge = user.expiresAt == null ? DEFAULT_COOKIE_MAX_AGE_S : (user.expiresAt.getTime() - Date.now()) / 1000
    ctx.append('Set-Cookie', sessionCookie(deps.cookie, token, Math.min(maxAge, DEFAULT_COOKIE_MAX_AGE_S)))
    ctx.set('Cache-Control', 'no-store')
    ctx.set('Referrer-Policy', 'no-referrer')
    log.info({ user: user.name, tokenHash: user.tokenHash }, 'browser session started')
    ctx.redirect('/')
  })

  router.post('/auth/revoke', async (ctx) => {
    if (deps.mode === 'none') disabled()
    const body = await readAuthBody(ctx)
    const user = currentUser(ctx)
    let tokenHash: string
    if (body.token != null) {
      // holding a token is proof enough to kill it: revoking only takes rights away
      tokenHash = hashToken(checkTokenFormat(body.token, 'body field token'))
    } else if (body.token_hash != null) {
      if (!isTokenHash(body.token_hash)) {
        throw new InvalidAuthRequestError('body field token_hash must be 64 lowercase hex characters (sha256)')
      }
      if (user == null) throw new UnauthorizedError('revoking by token_hash requires authentication')
      if (!user.admin && user.tokenHash !== body.token_hash) {
        throw new ForbiddenError('revoking another token by token_hash is reserved to the node admin; send the token itself')
      }
      tokenHash = body.token_hash
    } else {
      if (user?.tokenHash == null) {
        throw new UnauthorizedError('send a token (body field token) or authenticate to revoke your own token')
      }
      tokenHash = user.tokenHash
    }
    await deps.tokens.revokeToken(tokenHash)
    deps.authenticator.forget(tokenHash)
    if (user?.via === 'cookie' && user.tokenHash === tokenHash) ctx.append('Set-Cookie', clearedCookie(deps.cookie))
    log.info({ tokenHash, by: user?.name }, 'token revoked')
    ctx.body = { revoked: 1, token_hash: tokenHash }
  })

  router.post('/auth/revoke-user', async (ctx) => {
    if (deps.mode === 'none') disabled()
    const body = await readAuthBody(ctx)
    const username = body.username ?? body.user
    if (username == null || username.trim() === '' || username.length > MAX_USERNAME) {
      throw new InvalidAuthRequestError(`body field username is required (1 to ${MAX_USERNAME} characters)`)
    }
    const proof = proofToken(ctx, body, deps.cookie)
    await checkRevokeUserProof(deps, proof, username)
    const count = await deps.tokens.revokeUser(username)
    // the presented token may never have been used here, so it is not among the recorded ones
    const proofHash = hashToken(proof.token)
    if (deps.mode === 'l2') await deps.tokens.revokeToken(proofHash)
    deps.authenticator.forgetUser(username)
    log.info({ user: username, count }, 'all tokens of a user revoked')
    ctx.body = { revoked: count, username }
  })

  const logout = async (ctx: Context): Promise<void> => {
    const user = currentUser(ctx)
    // the local admin token is the only way in: logging out ends the browser session, it does not revoke it
    if (deps.mode === 'l2' && user?.tokenHash != null) {
      await deps.tokens.revokeToken(user.tokenHash)
      deps.authenticator.forget(user.tokenHash)
      log.info({ user: user.name, tokenHash: user.tokenHash }, 'logged out')
    }
    if (deps.mode !== 'none') ctx.append('Set-Cookie', clearedCookie(deps.cookie))
    ctx.set('Cache-Control', 'no-store')
    ctx.redirect('/')
  }
  /** who the caller is, for `artdag login` and scripts: never fails, null when anonymous */
  router.get('/auth/whoami', async (ctx) => {
    const user = currentUser(ctx)
    ctx.body = { user: user?.name ?? null, via: user?.via ?? null, admin: user?.admin ?? false, mode: deps.mode }
  })
  router.get('/logout', logout)
  router.post('/logout', logout)
  return router
}

interface Proof { token: string, where: string }

function proofToken (ctx: Context, body: Record<string, string>, cookie: SessionCookieOptions): Proof {
  if (body.token != null) return { token: body.token, where: 'body field token' }
  const credential = readCredential(ctx, cookie)
  if (credential == null) {
    throw new UnauthorizedError('revoke-user requires a token of that user (Authorization: Bearer, or body field token)')
  }
  return credential
}

/**
 * L2 mode: the caller must present a genuine token of that user scoped to this node. L2 vouches
 * for it even when it has already revoked it (L2 revokes first, then calls every L1), so the worst
 * a token holder can do is log its own user out. Local mode: only the admin token.
 */
async function checkRevokeUserProof (deps: RouteDeps, proof: Proof, username: string): Promise<void> {
  if (deps.mode === 'local') {
    const user = await deps.authenticator.authenticate(proof.token, 'bearer', proof.where)
    if (!user.admin) throw new ForbiddenError('revoke-user is reserved to the node admin')
    return
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
}

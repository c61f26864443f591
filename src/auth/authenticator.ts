import type { Logger } from '../util/index.js'
import { ADMIN_USER, ANONYMOUS_USER, DEFAULT_COOKIE_MAX_AGE_S } from './constants.js'
import { InvalidTokenError, TokenRevokedError, TokenWrongScopeError } from './errors.js'
import type { L2Client, L2Identity } from './l2-client.js'
import { csrfTokenOf, newSessionId, SESSION_ID } from './sessions.js'
import { checkTokenFormat, hashToken, sameHash } from './tokens.js'
import { TtlCache } from './ttl-cache.js'
import type { AuthMode, AuthUser, SessionRecord, TokenStorePort } from './types.js'

/** A new browser session: the id goes into the cookie (and nowhere else) */
export interface OpenedSession {
  sessionId: string
  user: AuthUser
  maxAgeS: number
}

export interface AuthenticatorInit {
  mode: AuthMode
  tokens: TokenStorePort
  l2?: L2Client
  publicUrl?: string
  l2Domain?: string
  allowUnscopedTokens: boolean
  logger: Logger
}

/** Turns a presented token into a user, per mode; every call checks the local revocation list */
export class Authenticator {
  /** hashes recorded under their user recently, so a busy client does not SADD on every request */
  private readonly recorded = new TtlCache<string, string>({ ttlMs: 60_000, maxEntries: 10_000 })
  private readonly log: Logger

  constructor (private readonly init: AuthenticatorInit) {
    this.log = init.logger.child({ component: 'auth' })
  }

  /** `where` names the credential in error messages ("bearer token", "session cookie", "auth_token") */
  async authenticate (token: string, via: AuthUser['via'], where: string, signal?: AbortSignal): Promise<AuthUser> {
    signal?.throwIfAborted()
    if (this.init.mode === 'none') return anonymousUser()
    checkTokenFormat(token, where)
    const tokenHash = hashToken(token)
    if (await this.init.tokens.isRevoked(tokenHash)) {
      throw new TokenRevokedError(`${where} has been revoked; log in again`)
    }
    if (this.init.mode === 'local') return await this.authenticateAdmin(tokenHash, via, where)
    const l2 = this.l2()
    const identity = await l2.verifyToken(token, { signal })
    this.checkScope(identity.l1Server, where)
    if (this.recorded.get(tokenHash) == null) {
      await this.init.tokens.recordUserToken(identity.username, tokenHash, identity.expiresAt)
      this.recorded.set(tokenHash, identity.username, identity.expiresAt?.getTime())
      this.log.info({ user: identity.username, tokenHash, via }, 'token accepted')
    }
    return this.userOf(identity, via, tokenHash)
  }

  /**
   * Verifies a token and opens a browser session for its user: a random id mapped in Redis (by its
   * hash) to the user and the token's hash, for as long as the token lives, at most 30 days
   */
  async openSession (token: string, where: string, signal?: AbortSignal): Promise<OpenedSession> {
    const user = await this.authenticate(token, 'cookie', where, signal)
    const tokenHash = user.tokenHash ?? hashToken(token)
    const untilExpiry = user.expiresAt == null ? Number.POSITIVE_INFINITY : (user.expiresAt.getTime() - Date.now()) / 1000
    const maxAgeS = Math.floor(Math.min(untilExpiry, DEFAULT_COOKIE_MAX_AGE_S))
    const sessionId = newSessionId()
    const record: SessionRecord = { user: user.name, tokenHash, admin: user.admin }
    if (user.handle != null) record.handle = user.handle
    if (user.expiresAt != null) record.expiresAt = user.expiresAt.toISOString()
    await this.init.tokens.createSession(hashToken(sessionId), record, maxAgeS * 1000)
    return { sessionId, maxAgeS, user: this.sessionUser(sessionId, record) }
  }

  /**
   * The user of a session cookie. The session ends with its token: in local mode when the admin
   * token is rotated or revoked, in l2 mode when the token is revoked here (logout, revoke-user).
   */
  async authenticateSession (sessionId: string, where: string): Promise<AuthUser> {
    if (this.init.mode === 'none') return anonymousUser()
    if (!SESSION_ID.test(sessionId)) throw new InvalidTokenError(`${where} is malformed: not a session id of this node`, 'malformed')
    const record = await this.init.tokens.getSession(hashToken(sessionId))
    if (record == null) {
      throw new InvalidTokenError(`${where} is not a session of this node (it expired or was logged out); log in again`, 'unknown-session')
    }
    if (this.init.mode === 'local') {
      const adminHash = await this.init.tokens.getAdminTokenHash()
      if (!record.admin || adminHash == null || !sameHash(adminHash, record.tokenHash)) {
        throw new TokenRevokedError(`${where} was opened with an admin token that has been replaced or revoked; log in again`)
      }
    } else if (await this.init.tokens.isRevoked(record.tokenHash)) {
      throw new TokenRevokedError(`${where} was opened with a token that has been revoked; log in again`)
    }
    return this.sessionUser(sessionId, record)
  }

  /** Throws TokenWrongScopeError unless a token scoped to `l1Server` may be used on this node */
  checkScope (l1Server: string | undefined, where: string): void {
    const own = this.init.publicUrl ?? ''
    if (l1Server == null) {
      if (this.init.allowUnscopedTokens) return
      throw new TokenWrongScopeError(`${where} is not scoped to any L1; this node accepts only tokens scoped to ${own}`)
    }
    if (normaliseUrl(l1Server) !== normaliseUrl(own)) {
      throw new TokenWrongScopeError(`${where} is scoped to another L1 (${l1Server}), not to this one (${own})`)
    }
  }

  forget (tokenHash: string): void {
    this.recorded.delete(tokenHash)
    this.init.l2?.forgetToken(tokenHash)
  }

  forgetUser (username: string): void {
    this.recorded.deleteWhere((user) => user === username)
    this.init.l2?.forgetUser(username)
  }

  l2 (): L2Client {
    if (this.init.l2 == null) throw new Error('auth mode l2 without an L2 client (createAuth checks this)')
    return this.init.l2
  }

  private async authenticateAdmin (tokenHash: string, via: AuthUser['via'], where: string): Promise<AuthUser> {
    const adminHash = await this.init.tokens.getAdminTokenHash()
    if (adminHash == null || !sameHash(adminHash, tokenHash)) {
      throw new InvalidTokenError(`${where} is not a valid token of this node`, 'unknown-token')
    }
    return { name: ADMIN_USER, via, tokenHash, admin: true }
  }

  private sessionUser (sessionId: string, record: SessionRecord): AuthUser {
    const user: AuthUser = {
      name: record.user,
      via: 'cookie',
      tokenHash: record.tokenHash,
      admin: record.admin,
      csrfToken: csrfTokenOf(sessionId),
      sessionIdHash: hashToken(sessionId)
    }
    if (record.handle != null) user.handle = record.handle
    if (record.expiresAt != null) user.expiresAt = new Date(record.expiresAt)
    return user
  }

  private userOf (identity: L2Identity, via: AuthUser['via'], tokenHash: string): AuthUser {
    const user: AuthUser = { name: identity.username, via, tokenHash, admin: false }
    if (this.init.l2Domain != null) user.handle = `@${identity.username}@${this.init.l2Domain}`
    if (identity.expiresAt != null) user.expiresAt = identity.expiresAt
    return user
  }
}

export function anonymousUser (): AuthUser {
  return { name: ANONYMOUS_USER, via: 'none', admin: true }
}

/** origin + path without a trailing slash, so `https://L1.example/` equals `https://l1.example` */
export function normaliseUrl (url: string): string {
  try {
    const u = new URL(url)
    return `${u.origin}${u.pathname.replace(/\/+$/, '')}`
  } catch {
    return url.trim()
  }
}

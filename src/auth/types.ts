import type { Context } from 'koa'
import type { SessionRecord } from '../state/index.js'

/** A browser session as stored: the token store's record (who, and the hash of the token it was opened with) */
export type { SessionRecord }

export type AuthMode = 'l2' | 'local' | 'none'

/** The user of a request, at `ctx.state.user` */
export interface AuthUser {
  /** L2 username, `admin` for the local admin token, `anonymous` in `none` mode */
  name: string
  /** where the credential came from; `none` in the explicit dev mode */
  via: 'bearer' | 'cookie' | 'none'
  /** sha256 hex of the token (never the token itself) */
  tokenHash?: string
  /** `@name@l2Domain` when an L2 domain is configured */
  handle?: string
  /** when the token stops being valid, if known */
  expiresAt?: Date
  /** true for the local admin token and in `none` mode */
  admin: boolean
  /** browser sessions (via `cookie`): the session's CSRF token, which every write must carry */
  csrfToken?: string
  /** browser sessions: sha256 of the session id (never the id itself) */
  sessionIdHash?: string
}

/** What ctx.state holds once the auth middleware ran */
export interface AuthState {
  user?: AuthUser
}

/**
 * The narrow part of the state area's token store that auth needs (implemented over Redis in
 * src/state). Hashes are sha256 hex; a revocation is kept until the token expires (forever without expiry).
 */
export interface TokenStorePort {
  recordUserToken(user: string, tokenHash: string, expiresAt?: Date): Promise<void>
  revokeToken(tokenHash: string, expiresAt?: Date): Promise<void>
  /** revokes every recorded token of the user; returns how many */
  revokeUser(user: string): Promise<number>
  isRevoked(tokenHash: string): Promise<boolean>
  setAdminTokenHash(hash: string): Promise<void>
  getAdminTokenHash(): Promise<string | undefined>
  /** removes the admin token hash if it is still `hash`; true if removed */
  deleteAdminTokenHash(hash: string): Promise<boolean>
  createSession(idHash: string, record: SessionRecord, ttlMs: number): Promise<void>
  getSession(idHash: string): Promise<SessionRecord | undefined>
  deleteSession(idHash: string): Promise<void>
}

/** The user the auth middleware put on a request, if any */
export function currentUser (ctx: Pick<Context, 'state'>): AuthUser | undefined {
  return (ctx.state as AuthState).user
}

import type { Redis } from 'ioredis'
import { TOKEN_REVOCATION_GRACE_MS } from './constants.js'
import { InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import type { StateComponents } from './run-store.js'

/** A browser session: who it is and which token it was opened with (by hash; the token is never stored) */
export interface SessionRecord {
  user: string
  tokenHash: string
  admin: boolean
  handle?: string
  /** ISO time the token expires, when it does */
  expiresAt?: string
}

/**
 * Tokens seen per user, revoked tokens, the admin token and browser sessions, all by sha256 hash:
 * tokens and session ids themselves are never stored.
 */
export interface TokenStore {
  /** remembers that `user` used this token (valid until `expiresAt`, or forever), so revokeUser can revoke it */
  recordUserToken(user: string, tokenHash: string, expiresAt?: Date): Promise<void>
  /** revokes one token until it expires anyway (`expiresAt`, plus a grace period), or forever */
  revokeToken(tokenHash: string, expiresAt?: Date): Promise<void>
  /** revokes every recorded token of the user, each until its own expiry; returns how many */
  revokeUser(user: string): Promise<number>
  isRevoked(tokenHash: string): Promise<boolean>
  setAdminTokenHash(tokenHash: string): Promise<void>
  getAdminTokenHash(): Promise<string | undefined>
  /** removes the admin token hash if it is still `tokenHash` (the next start then makes a new token); true if removed */
  deleteAdminTokenHash(tokenHash: string): Promise<boolean>
  /** stores a session under the hash of its id for `ttlMs` */
  createSession(idHash: string, record: SessionRecord, ttlMs: number): Promise<void>
  getSession(idHash: string): Promise<SessionRecord | undefined>
  deleteSession(idHash: string): Promise<void>
}

const SHA256_HEX = /^[0-9a-f]{64}$/

/** DEL the key only while it still holds ARGV[1], so a concurrent rotation is not undone */
const DELETE_IF_EQUAL = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0"

export function createTokenStore (components: StateComponents): TokenStore {
  return new RedisTokenStore(components.redis, components.keys)
}

class RedisTokenStore implements TokenStore {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async recordUserToken (user: string, tokenHash: string, expiresAt?: Date): Promise<void> {
    checkUser(user)
    checkHash(tokenHash)
    const key = this.keys.userTokens(user)
    const score = expiresAt == null ? '+inf' : String(expiresAt.getTime())
    // tokens that expired need no revoking: drop them as new ones come
    await this.redis.multi().zremrangebyscore(key, '-inf', `(${Date.now()}`).zadd(key, score, tokenHash).exec()
  }

  async revokeToken (tokenHash: string, expiresAt?: Date): Promise<void> {
    checkHash(tokenHash)
    const key = this.keys.revokedToken(tokenHash)
    if (expiresAt == null) await this.redis.set(key, '1')
    else await this.redis.set(key, '1', 'PXAT', revokedUntil(expiresAt.getTime()))
  }

  async revokeUser (user: string): Promise<number> {
    checkUser(user)
    const key = this.keys.userTokens(user)
    const entries = await this.redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES')
    const tx = this.redis.multi()
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const hash = entries[i] as string
      const expiry = Number(entries[i + 1])
      if (Number.isFinite(expiry)) tx.set(this.keys.revokedToken(hash), '1', 'PXAT', revokedUntil(expiry))
      else tx.set(this.keys.revokedToken(hash), '1')
    }
    tx.del(key)
    await tx.exec()
    return entries.length / 2
  }

  async isRevoked (tokenHash: string): Promise<boolean> {
    return await this.redis.exists(this.keys.revokedToken(tokenHash)) === 1
  }

  async setAdminTokenHash (tokenHash: string): Promise<void> {
    checkHash(tokenHash)
    await this.redis.set(this.keys.adminToken(), tokenHash)
  }

  async getAdminTokenHash (): Promise<string | undefined> {
    return (await this.redis.get(this.keys.adminToken())) ?? undefined
  }

  async deleteAdminTokenHash (tokenHash: string): Promise<boolean> {
    checkHash(tokenHash)
    return await this.redis.eval(DELETE_IF_EQUAL, 1, this.keys.adminToken(), tokenHash) === 1
  }

  async createSession (idHash: string, record: SessionRecord, ttlMs: number): Promise<void> {
    checkHash(idHash)
    checkHash(record.tokenHash)
    checkUser(record.user)
    await this.redis.set(this.keys.session(idHash), JSON.stringify(record), 'PX', Math.max(1, Math.floor(ttlMs)))
  }

  async getSession (idHash: string): Promise<SessionRecord | undefined> {
    checkHash(idHash)
    const raw = await this.redis.get(this.keys.session(idHash))
    return raw == null ? undefined : JSON.parse(raw) as SessionRecord
  }

  async deleteSession (idHash: string): Promise<void> {
    checkHash(idHash)
    await this.redis.del(this.keys.session(idHash))
  }
}

function revokedUntil (expiresAtMs: number): number {
  return Math.max(expiresAtMs, Date.now()) + TOKEN_REVOCATION_GRACE_MS
}

function checkHash (tokenHash: string): void {
  if (!SHA256_HEX.test(tokenHash)) {
    throw new InvalidRecordError('a token hash must be the sha256 of the token in lowercase hex (64 characters)')
  }
}

function checkUser (user: string): void {
  if (user.trim() === '') throw new InvalidRecordError('user must not be empty')
}

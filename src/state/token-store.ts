import type { Redis } from 'ioredis'
import { TOKEN_REVOCATION_TTL_S } from './constants.js'
import { InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import type { StateComponents } from './run-store.js'

/** Tokens seen per user and revoked tokens (by sha256 hash: tokens themselves are never stored) */
export interface TokenStore {
  /** remembers that `user` used this token, so revokeUser can revoke it later */
  recordUserToken(user: string, tokenHash: string): Promise<void>
  /** revokes one token for 30 days (longer than any L2 token lives) */
  revokeToken(tokenHash: string): Promise<void>
  /** revokes every recorded token of the user; returns how many */
  revokeUser(user: string): Promise<number>
  isRevoked(tokenHash: string): Promise<boolean>
  setAdminTokenHash(tokenHash: string): Promise<void>
  getAdminTokenHash(): Promise<string | undefined>
}

const SHA256_HEX = /^[0-9a-f]{64}$/

export function createTokenStore (components: StateComponents): TokenStore {
  return new RedisTokenStore(components.redis, components.keys)
}

class RedisTokenStore implements TokenStore {
  constructor (private readonly redis: Redis, private readonly keys: RedisKeys) {}

  async recordUserToken (user: string, tokenHash: string): Promise<void> {
    checkUser(user)
    checkHash(tokenHash)
    const key = this.keys.userTokens(user)
    // the set lives as long as its newest token could be revoked
    await this.redis.multi().sadd(key, tokenHash).expire(key, TOKEN_REVOCATION_TTL_S).exec()
  }

  async revokeToken (tokenHash: string): Promise<void> {
    checkHash(tokenHash)
    await this.redis.set(this.keys.revokedToken(tokenHash), '1', 'EX', TOKEN_REVOCATION_TTL_S)
  }

  async revokeUser (user: string): Promise<number> {
    checkUser(user)
    const key = this.keys.userTokens(user)
    const hashes = await this.redis.smembers(key)
    const tx = this.redis.multi()
    for (const hash of hashes) tx.set(this.keys.revokedToken(hash), '1', 'EX', TOKEN_REVOCATION_TTL_S)
    tx.srem(key, ...(hashes.length > 0 ? hashes : ['']))
    await tx.exec()
    return hashes.length
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
}

function checkHash (tokenHash: string): void {
  if (!SHA256_HEX.test(tokenHash)) {
    throw new InvalidRecordError('a token hash must be the sha256 of the token in lowercase hex (64 characters)')
  }
}

function checkUser (user: string): void {
  if (user.trim() === '') throw new InvalidRecordError('user must not be empty')
}

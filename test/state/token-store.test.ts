import { createHash } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidRecordError, createTokenStore, type TokenStore } from '../../src/state/index.js'
import { testState, type TestState } from './helpers.js'

const hash = (token: string): string => createHash('sha256').update(token).digest('hex')

describe('token store', () => {
  let state: TestState
  let tokens: TokenStore
  beforeEach(() => {
    state = testState()
    tokens = createTokenStore(state)
  })
  afterEach(async () => { await state.cleanup() })

  it('should revoke a token until it expires (plus a grace period), and forever when it never does', async () => {
    expect(await tokens.isRevoked(hash('t1'))).toBe(false)
    await tokens.revokeToken(hash('t1'), new Date(Date.now() + 3600_000))
    expect(await tokens.isRevoked(hash('t1'))).toBe(true)
    expect(await tokens.isRevoked(hash('t2'))).toBe(false)
    const ttl = await state.redis.pttl(state.keys.revokedToken(hash('t1')))
    expect(ttl).toBeGreaterThan(3600_000)
    expect(ttl).toBeLessThanOrEqual(3600_000 + 10 * 60_000)
    await tokens.revokeToken(hash('forever'))
    expect(await state.redis.pttl(state.keys.revokedToken(hash('forever')))).toBe(-1)
  })

  it('should revoke every recorded token of a user, each until its expiry, and no one else\'s', async () => {
    const inAnHour = new Date(Date.now() + 3600_000)
    await tokens.recordUserToken('alice', hash('a1'), inAnHour)
    await tokens.recordUserToken('alice', hash('a2'))
    await tokens.recordUserToken('alice', hash('a2'))
    await tokens.recordUserToken('alice', hash('gone'), new Date(Date.now() - 1000))
    await tokens.recordUserToken('bob', hash('b1'))
    // an expired token is dropped as the next one is recorded: it needs no revoking
    await tokens.recordUserToken('alice', hash('a3'), inAnHour)
    expect(await tokens.revokeUser('alice')).toBe(3)
    expect(await tokens.isRevoked(hash('a1'))).toBe(true)
    expect(await tokens.isRevoked(hash('a2'))).toBe(true)
    expect(await tokens.isRevoked(hash('a3'))).toBe(true)
    expect(await tokens.isRevoked(hash('gone'))).toBe(false)
    expect(await tokens.isRevoked(hash('b1'))).toBe(false)
    expect(await state.redis.pttl(state.keys.revokedToken(hash('a1')))).toBeGreaterThan(3600_000 - 5_000)
    expect(await state.redis.pttl(state.keys.revokedToken(hash('a2')))).toBe(-1)
    expect(await tokens.revokeUser('alice')).toBe(0)
    expect(await tokens.revokeUser('nobody')).toBe(0)
  })

  it('should keep browser sessions by the hash of their id, for their lifetime', async () => {
    await tokens.createSession(hash('s1'), { user: 'alice', tokenHash: hash('a1'), admin: false, handle: '@alice@l2' }, 60_000)
    expect(await tokens.getSession(hash('s1'))).toEqual({ user: 'alice', tokenHash: hash('a1'), admin: false, handle: '@alice@l2' })
    expect(await state.redis.pttl(state.keys.session(hash('s1')))).toBeGreaterThan(59_000)
    expect(await tokens.getSession(hash('s2'))).toBeUndefined()
    await tokens.deleteSession(hash('s1'))
    expect(await tokens.getSession(hash('s1'))).toBeUndefined()
  })

  it('should keep the admin token hash', async () => {
    expect(await tokens.getAdminTokenHash()).toBeUndefined()
    await tokens.setAdminTokenHash(hash('admin'))
    expect(await tokens.getAdminTokenHash()).toBe(hash('admin'))
    // removed only while it is still the one given: a rotation in between is not undone
    expect(await tokens.deleteAdminTokenHash(hash('older'))).toBe(false)
    expect(await tokens.getAdminTokenHash()).toBe(hash('admin'))
    expect(await tokens.deleteAdminTokenHash(hash('admin'))).toBe(true)
    expect(await tokens.getAdminTokenHash()).toBeUndefined()
  })

  it('should reject a raw token where a hash is expected, and an empty user', async () => {
    const message = 'a token hash must be the sha256 of the token in lowercase hex (64 characters)'
    await expect(tokens.revokeToken('secret-token')).rejects.toThrow(new InvalidRecordError(message))
    await expect(tokens.recordUserToken('alice', 'secret-token')).rejects.toThrow(new InvalidRecordError(message))
    await expect(tokens.recordUserToken('', hash('x'))).rejects.toThrow(new InvalidRecordError('user must not be empty'))
  })
})

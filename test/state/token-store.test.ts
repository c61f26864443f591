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

  it('should revoke one token for 30 days', async () => {
    expect(await tokens.isRevoked(hash('t1'))).toBe(false)
    await tokens.revokeToken(hash('t1'))
    expect(await tokens.isRevoked(hash('t1'))).toBe(true)
    expect(await tokens.isRevoked(hash('t2'))).toBe(false)
    const ttl = await state.redis.ttl(state.keys.revokedToken(hash('t1')))
    expect(ttl).toBeGreaterThan(30 * 24 * 3600 - 10)
  })

  it('should revoke every recorded token of a user and no one else\'s', async () => {
    await tokens.recordUserToken('alice', hash('a1'))
    await tokens.recordUserToken('alice', hash('a2'))
    await tokens.recordUserToken('alice', hash('a2'))
    await tokens.recordUserToken('bob', hash('b1'))
    expect(await tokens.revokeUser('alice')).toBe(2)
    expect(await tokens.isRevoked(hash('a1'))).toBe(true)
    expect(await tokens.isRevoked(hash('a2'))).toBe(true)
    expect(await tokens.isRevoked(hash('b1'))).toBe(false)
    expect(await tokens.revokeUser('alice')).toBe(0)
    expect(await tokens.revokeUser('nobody')).toBe(0)
  })

  it('should keep the admin token hash', async () => {
    expect(await tokens.getAdminTokenHash()).toBeUndefined()
    await tokens.setAdminTokenHash(hash('admin'))
    expect(await tokens.getAdminTokenHash()).toBe(hash('admin'))
  })

  it('should reject a raw token where a hash is expected, and an empty user', async () => {
    const message = 'a token hash must be the sha256 of the token in lowercase hex (64 characters)'
    await expect(tokens.revokeToken('secret-token')).rejects.toThrow(new InvalidRecordError(message))
    await expect(tokens.recordUserToken('alice', 'secret-token')).rejects.toThrow(new InvalidRecordError(message))
    await expect(tokens.recordUserToken('', hash('x'))).rejects.toThrow(new InvalidRecordError('user must not be empty'))
  })
})

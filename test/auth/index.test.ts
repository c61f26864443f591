import type { Context } from 'koa'
import type { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthConfigError, createAuth, createL2Client, hashToken, type Auth, type TokenStorePort
} from '../../src/auth/index.js'
import { createRedisKeys, type RedisKeys } from '../../src/state/keys.js'
import { silentLogger } from '../../src/util/logger.js'
import { testPrefix, testRedis } from '../fixtures/redis.js'
import { bearer, cookie, json, redisTokenStore, startApp, tokenStoreOf, type TestApp, type TokenStoreKind } from './harness.js'

const logger = silentLogger()

describe.each<TokenStoreKind>(['double', 'state'])('auth (local mode, %s token store)', (store) => {
  let redis: Redis
  let keys: RedisKeys
  let tokens: TokenStorePort
  let auth: Auth
  let app: TestApp

  beforeEach(async () => {
    redis = testRedis()
    keys = createRedisKeys(testPrefix())
    tokens = tokenStoreOf(store, redis, keys)
    auth = createAuth({ mode: 'local', publicReads: false, tokens, logger })
    app = await startApp(auth)
  })
  afterEach(async () => {
    await app.stop()
    const found = await redis.keys(`${keys.prefix}*`)
    if (found.length > 0) await redis.del(...found)
    redis.disconnect()
  })

  it('should say who the caller is at /auth/whoami, null when anonymous', async () => {
    const token = await auth.ensureAdminToken()
    expect(await json(await app.get('/auth/whoami'))).toEqual({ user: null, via: null, admin: false, mode: 'local' })
    const me = await json(await app.get('/auth/whoami', bearer(token ?? '')))
    expect(me).toMatchObject({ via: 'bearer', admin: true, mode: 'local' })
    expect(typeof me.user).toBe('string')
  })

  it('should create the admin token once, storing only its hash', async () => {
    const token = await auth.ensureAdminToken()
    expect(token).toMatch(/^artdag_[A-Za-z0-9_-]{43}$/)
    expect(await redis.get(keys.adminToken())).toBe(hashToken(token ?? ''))
    expect(await auth.ensureAdminToken()).toBeUndefined()
    const again = createAuth({ mode: 'local', publicReads: true, tokens, logger })
    expect(await again.ensureAdminToken()).toBeUndefined()
  })

  it('should accept the admin token as bearer and log the browser in with it', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    expect(await json(await app.get('/whoami', bearer(token)))).toMatchObject({ name: 'admin', via: 'bearer', admin: true })
    const login = await app.get(`/auth?token=${token}`)
    expect(login.status).toBe(302)
    expect(login.headers.get('location')).toBe('/')
    expect(login.headers.getSetCookie()[0]).toBe(`artdag_session=${token}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`)
    expect(await json(await app.get('/runs', cookie(token)))).toEqual({ runs: [], user: 'admin' })
    expect((await app.get('/runs')).status).toBe(401)
  })

  it('should reject any other token with 401', async () => {
    await auth.ensureAdminToken()
    const res = await app.get('/whoami', bearer('artdag_' + 'A'.repeat(43)))
    expect(res.status).toBe(401)
    expect(await json(res)).toEqual({ error: 'invalid-token', message: 'bearer token is not a valid token of this node' })
    const login = await app.get('/auth?token=' + 'B'.repeat(30))
    expect(await json(login)).toEqual({ error: 'invalid-token', message: 'token is not a valid token of this node' })
    const missing = await app.get('/auth')
    expect(await json(missing)).toEqual({
      error: 'invalid-request', message: 'query parameter token is required (the admin token printed when the node first started)'
    })
  })

  it('should rotate the admin token and reject the old one at once', async () => {
    const first = await auth.ensureAdminToken() ?? ''
    const second = await auth.rotateAdminToken()
    expect(second).not.toBe(first)
    const old = await app.get('/whoami', bearer(first))
    expect(await json(old)).toEqual({ error: 'token-revoked', message: 'bearer token has been revoked; log in again' })
    expect((await app.get('/whoami', bearer(second))).status).toBe(200)
  })

  it('should end the browser session on logout without revoking the admin token', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    const res = await app.post('/logout', undefined, cookie(token))
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie()[0]).toMatch(/^artdag_session=; Max-Age=0/)
    expect(await tokens.isRevoked(hashToken(token))).toBe(false)
    expect((await app.get('/whoami', bearer(token))).status).toBe(200)
  })

  it('should let the admin revoke a user and revoke tokens by hash', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    await tokens.recordUserToken('carol', 'c'.repeat(64))
    const denied = await app.post('/auth/revoke-user', { username: 'carol', token: 'x'.repeat(20) })
    expect(denied.status).toBe(401)
    const res = await app.post('/auth/revoke-user', { username: 'carol' }, bearer(token))
    expect(await json(res)).toEqual({ revoked: 1, username: 'carol' })
    expect(await tokens.isRevoked('c'.repeat(64))).toBe(true)
    const byHash = await app.post('/auth/revoke', { token_hash: 'd'.repeat(64) }, bearer(token))
    expect(byHash.status).toBe(200)
    expect(await tokens.isRevoked('d'.repeat(64))).toBe(true)
  })

  it('should verify tokens outside of HTTP, and abort when passed an aborted signal', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    expect(await auth.authenticate(token)).toMatchObject({ name: 'admin', tokenHash: hashToken(token) })
    await expect(auth.authenticate(token, { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop')
  })
})

describe('auth (none mode)', () => {
  it('should treat every request as the anonymous dev user and disable token routes', async () => {
    const redis = testRedis()
    const tokens = redisTokenStore(redis, createRedisKeys(testPrefix()))
    const auth = createAuth({ mode: 'none', publicReads: false, tokens, logger })
    const app = await startApp(auth)
    try {
      expect(await json(await app.get('/whoami'))).toEqual({ name: 'anonymous', via: 'none', admin: true })
      expect(await json(await app.get('/runs', bearer('garbage')))).toEqual({ runs: [], user: 'anonymous' })
      const revoke = await app.post('/auth/revoke', { token: 'x'.repeat(20) })
      expect(revoke.status).toBe(404)
      expect(await json(revoke)).toEqual({ error: 'auth-disabled', message: 'auth mode is "none": there are no tokens here' })
      expect((await app.get('/auth')).headers.get('location')).toBe('/')
      expect(await auth.ensureAdminToken()).toBeUndefined()
      await expect(auth.rotateAdminToken()).rejects.toThrow(new AuthConfigError('there is no admin token in auth mode none'))
    } finally {
      await app.stop()
      redis.disconnect()
    }
  })
})

describe('createAuth', () => {
  const tokens = {} as TokenStorePort

  it('should refuse an l2 mode it cannot run', () => {
    expect(() => createAuth({ mode: 'l2', publicUrl: 'http://l1.test', publicReads: true, tokens, logger }))
      .toThrow(new AuthConfigError('auth mode l2 needs an L2 client: set l2Server'))
    const l2 = createL2Client({ l2Server: 'http://127.0.0.1:9', logger })
    expect(() => createAuth({ mode: 'l2', l2, publicReads: true, tokens, logger }))
      .toThrow(new AuthConfigError('auth mode l2 needs publicUrl: L2 tokens are scoped to it'))
    expect(() => createAuth({ mode: 'local', publicReads: true, tokens, logger, cookieName: 'a b' }))
      .toThrow(new AuthConfigError('cookieName "a b" must be 1 to 64 letters, digits, _ or -'))
  })

  it('should tell whether a read is allowed', () => {
    const closed = createAuth({ mode: 'local', publicReads: false, tokens, logger })
    const open = createAuth({ mode: 'local', publicReads: true, tokens, logger })
    const anonymous = { state: {} } as Context
    const signedIn = { state: { user: { name: 'admin', via: 'bearer', admin: true } } } as unknown as Context
    expect(closed.isReadAllowed(anonymous)).toBe(false)
    expect(closed.isReadAllowed(signedIn)).toBe(true)
    expect(open.isReadAllowed(anonymous)).toBe(true)
  })
})

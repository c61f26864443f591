import type { Context } from 'koa'
import type { Redis } from 'ioredis'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  AuthConfigError, createAuth, createL2Client, hashToken, type Auth, type TokenStorePort
} from '../../src/auth/index.js'
import { createRedisKeys, type RedisKeys } from '../../src/state/keys.js'
import { silentLogger } from '../../src/util/logger.js'
import { testPrefix, testRedis } from '../fixtures/redis.js'
import { createTokenStore } from '../../src/state/index.js'
import { csrfTokenOf } from '../../src/auth/sessions.js'
import { bearer, cookie, json, sessionOf, startApp, type TestApp } from './harness.js'

const logger = silentLogger()

describe('auth (local mode)', () => {
  let redis: Redis
  let keys: RedisKeys
  let tokens: TokenStorePort
  let auth: Auth
  let app: TestApp

  beforeEach(async () => {
    redis = testRedis()
    keys = createRedisKeys(testPrefix())
    tokens = createTokenStore({ redis, keys })
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

  it('should accept the admin token as bearer and log the browser in with a session id, not the token', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    expect(await json(await app.get('/whoami', bearer(token)))).toMatchObject({ name: 'admin', via: 'bearer', admin: true })
    const login = await app.get(`/auth?token=${token}`)
    expect(login.status).toBe(302)
    expect(login.headers.get('location')).toBe('/')
    const session = sessionOf(login)
    expect(login.headers.getSetCookie()[0]).toBe(`artdag_session=${session}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`)
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(session).not.toBe(token)
    expect(session).not.toContain(token.slice(7, 20))
    // Redis maps the session id's hash to the user for 30 days; neither the id nor the token is stored
    const stored = await redis.get(keys.session(hashToken(session)))
    expect(JSON.parse(stored ?? '{}')).toEqual({ user: 'admin', tokenHash: hashToken(token), admin: true })
    const ttl = await redis.pttl(keys.session(hashToken(session)))
    expect(ttl).toBeGreaterThan(30 * 24 * 3600_000 - 60_000)
    expect(ttl).toBeLessThanOrEqual(30 * 24 * 3600_000)
    const dump = (await Promise.all((await redis.keys(`${keys.prefix}*`)).map(async (k) => `${k}=${await redis.get(k) ?? ''}`))).join('\n')
    expect(dump).not.toContain(token)
    expect(dump).not.toContain(session)
    expect(await json(await app.get('/runs', cookie(session)))).toEqual({ runs: [], user: 'admin' })
    // the token itself is no session
    const tokenAsCookie = await app.get('/runs', cookie(token))
    expect(tokenAsCookie.status).toBe(401)
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

  it('should rotate the admin token and reject the old one and its sessions at once, for good', async () => {
    const first = await auth.ensureAdminToken() ?? ''
    const session = sessionOf(await app.get(`/auth?token=${first}`))
    const second = await auth.rotateAdminToken()
    expect(second).not.toBe(first)
    const old = await app.get('/whoami', bearer(first))
    expect(await json(old)).toEqual({ error: 'invalid-token', message: 'bearer token is not a valid token of this node' })
    const oldSession = await app.get('/whoami', cookie(session))
    expect(await json(oldSession)).toEqual({
      error: 'token-revoked', message: 'session cookie was opened with an admin token that has been replaced or revoked; log in again'
    })
    expect((await app.get('/whoami', bearer(second))).status).toBe(200)
    // the old hash is replaced, not flagged for a while: nothing about it expires
    expect(await redis.keys(`${keys.prefix}revoked:*`)).toEqual([])
    expect(await redis.get(keys.adminToken())).toBe(hashToken(second))
    expect(await redis.pttl(keys.adminToken())).toBe(-1)
  })

  it('should end the browser session on logout without revoking the admin token', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    const session = sessionOf(await app.get(`/auth?token=${token}`))
    const res = await app.post('/logout', undefined, { ...cookie(session), 'x-csrf-token': csrfTokenOf(session) })
    expect(res.status).toBe(302)
    expect(res.headers.getSetCookie()[0]).toMatch(/^artdag_session=; Max-Age=0/)
    expect(await redis.exists(keys.session(hashToken(session)))).toBe(0)
    expect((await app.get('/whoami', cookie(session))).status).toBe(401)
    expect(await tokens.isRevoked(hashToken(token))).toBe(false)
    expect((await app.get('/whoami', bearer(token))).status).toBe(200)
  })

  it('should let the admin revoke a user, and refuse hashes of tokens this node does not have', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    await tokens.recordUserToken('carol', 'c'.repeat(64))
    const denied = await app.post('/auth/revoke-user', { username: 'carol', token: 'x'.repeat(20) })
    expect(denied.status).toBe(401)
    const res = await app.post('/auth/revoke-user', { username: 'carol' }, bearer(token))
    expect(await json(res)).toEqual({ revoked: 1, username: 'carol' })
    expect(await tokens.isRevoked('c'.repeat(64))).toBe(true)
    const byHash = await app.post('/auth/revoke', { token_hash: 'd'.repeat(64) }, bearer(token))
    expect(await json(byHash)).toEqual({ error: 'invalid-request', message: 'body field token_hash is not the hash of a token of this node' })
    expect(await tokens.isRevoked('d'.repeat(64))).toBe(false)
  })

  it('should refuse anonymous revocations with 401 and write nothing', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    const before = (await redis.keys(`${keys.prefix}*`)).sort()
    for (const body of [{ token: 'artdag_' + 'Z'.repeat(43) }, { token }, { token_hash: 'e'.repeat(64) }, {}]) {
      const res = await app.post('/auth/revoke', body)
      expect(res.status).toBe(401)
      expect(await json(res)).toEqual({
        error: 'unauthorized',
        message: 'revoking a token requires authentication (Authorization: Bearer, or the session): a token may be revoked by its owner or the node admin'
      })
    }
    expect((await redis.keys(`${keys.prefix}*`)).sort()).toEqual(before)
    expect((await app.get('/whoami', bearer(token))).status).toBe(200)
  })

  it('should remove a revoked admin token for good and make a new one at the next start', async () => {
    const token = await auth.ensureAdminToken() ?? ''
    const session = sessionOf(await app.get(`/auth?token=${token}`))
    const res = await app.post('/auth/revoke', {}, bearer(token))
    expect(await json(res)).toEqual({ revoked: 1, token_hash: hashToken(token) })
    expect(await redis.exists(keys.adminToken())).toBe(0)
    expect(await redis.keys(`${keys.prefix}revoked:*`)).toEqual([])
    expect((await app.get('/whoami', bearer(token))).status).toBe(401)
    expect((await app.get('/whoami', cookie(session))).status).toBe(401)
    // what `artdag serve` does at its next start
    const next = createAuth({ mode: 'local', publicReads: false, tokens, logger })
    const fresh = await next.ensureAdminToken() ?? ''
    expect(fresh).toMatch(/^artdag_/)
    expect(fresh).not.toBe(token)
    expect((await app.get('/whoami', bearer(fresh))).status).toBe(200)
    expect((await app.get('/whoami', bearer(token))).status).toBe(401)
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
    const tokens = createTokenStore({ redis, keys: createRedisKeys(testPrefix()) })
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

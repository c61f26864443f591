import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/auth/index.js'
import { bearer, cookie, json, sessionOf, startL2Node, type L2Node } from './harness.js'

describe('auth middleware (l2 mode)', () => {
  let node: L2Node

  beforeEach(async () => { node = await startL2Node() })
  afterEach(async () => { await node.stop() })

  it('should log a browser in from L2 with an HttpOnly SameSite=Lax cookie and redirect to /', async () => {
    const token = node.tokenFor('alice')
    const res = await node.app.get(`/auth?auth_token=${token}`)
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const [setCookie] = res.headers.getSetCookie()
    expect(setCookie).toMatch(/^artdag_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/)
    const session = sessionOf(res)
    // the session lives as long as the token, in Redis and in the cookie
    const maxAge = Number(/Max-Age=(\d+)/.exec(setCookie ?? '')?.[1])
    expect(maxAge).toBeGreaterThan(3590)
    expect(maxAge).toBeLessThanOrEqual(3600)
    const ttl = await node.redis.pttl(node.keys.session(hashToken(session)))
    expect(ttl).toBeGreaterThan(3580_000)
    expect(ttl).toBeLessThanOrEqual(3600_000)
    expect(Number(await node.redis.zscore(node.keys.userTokens('alice'), hashToken(token)))).toBeGreaterThan(Date.now() + 3500_000)

    const me = await node.app.get('/whoami', cookie(session))
    expect(me.status).toBe(200)
    expect(await json(me)).toMatchObject({ name: 'alice', via: 'cookie', tokenHash: hashToken(token), handle: '@alice@l2.test', admin: false })
  })

  it('should mark the cookie Secure when the public URL is https', async () => {
    const secureNode = await startL2Node({ publicUrl: 'https://l1.example.org' })
    try {
      const res = await secureNode.app.get(`/auth?auth_token=${secureNode.tokenFor('alice')}`)
      expect(res.status).toBe(302)
      expect(res.headers.getSetCookie()[0]).toMatch(/; Path=\/; HttpOnly; SameSite=Lax; Secure$/)
    } finally {
      await secureNode.stop()
    }
  })

  it('should refuse a token scoped to another L1 with 403', async () => {
    const token = node.l2.issueToken({ username: 'alice', l1Server: 'http://other-l1.test' })
    const res = await node.app.get(`/auth?auth_token=${token}`)
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie()).toEqual([])
    expect(await json(res)).toEqual({
      error: 'token-wrong-scope',
      message: 'auth_token is scoped to another L1 (http://other-l1.test), not to this one (http://l1.test:8100)'
    })
    const viaBearer = await node.app.get('/whoami', bearer(token))
    expect(viaBearer.status).toBe(403)
    expect(await node.redis.exists(node.keys.userTokens('alice'))).toBe(0)
  })

  it('should accept the scope written with another case or a trailing slash', async () => {
    const token = node.l2.issueToken({ username: 'alice', l1Server: 'http://L1.test:8100/' })
    expect((await node.app.get('/whoami', bearer(token))).status).toBe(200)
  })

  it('should refuse an unscoped token with 403', async () => {
    const token = node.l2.issueToken({ username: 'alice', l1Server: null })
    const res = await node.app.get('/whoami', bearer(token))
    expect(res.status).toBe(403)
    expect(await json(res)).toEqual({
      error: 'token-wrong-scope',
      message: 'bearer token is not scoped to any L1; this node accepts only tokens scoped to http://l1.test:8100'
    })
  })

  it('should require auth_token on /auth', async () => {
    const res = await node.app.get('/auth')
    expect(res.status).toBe(400)
    expect(await json(res)).toEqual({ error: 'invalid-request', message: 'query parameter auth_token is required (L2 redirects here with it)' })
  })

  it('should answer 401 with a clear message for expired, forged and malformed tokens', async () => {
    const expired = await node.app.get('/whoami', bearer(node.tokenFor('alice', -1)))
    expect(expired.status).toBe(401)
    expect(expired.headers.get('www-authenticate')).toBe('Bearer realm="artdag"')
    expect(await json(expired)).toEqual({ error: 'token-expired', message: 'token has expired (according to L2); log in again' })

    const forged = await node.app.get('/whoami', bearer(node.l2.forgeToken({ username: 'alice', l1Server: node.publicUrl })))
    expect(await json(forged)).toEqual({ error: 'invalid-token', message: 'token rejected by L2: bad-signature' })

    const garbage = await node.app.get('/whoami', bearer('x'.repeat(40)))
    expect(garbage.status).toBe(401)
    expect(await json(garbage)).toEqual({ error: 'invalid-token', message: 'token rejected by L2: malformed' })

    const short = await node.app.get('/whoami', bearer('abc'))
    expect(await json(short)).toEqual({
      error: 'invalid-token', message: 'bearer token is malformed: a token has 16 to 4096 characters, got 3'
    })

    const basic = await node.app.get('/whoami', { authorization: 'Basic YWxpY2U6cHc=' })
    expect(basic.status).toBe(401)
    expect(await json(basic)).toEqual({ error: 'invalid-token', message: 'Authorization header is malformed: expected "Bearer <token>"' })
  })

  it('should answer 401 for a bad session cookie and clear it', async () => {
    const res = await node.app.get('/', { cookie: 'artdag_session=not%20a%20token!' })
    expect(res.status).toBe(401)
    expect(await json(res)).toEqual({
      error: 'invalid-token', message: 'session cookie is malformed: not a session id of this node'
    })
    expect(res.headers.getSetCookie()).toEqual(['artdag_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax'])

    const unknown = await node.app.get('/', cookie('A'.repeat(43)))
    expect(unknown.status).toBe(401)
    expect(await json(unknown)).toEqual({
      error: 'invalid-token', message: 'session cookie is not a session of this node (it expired or was logged out); log in again'
    })
    expect(unknown.headers.getSetCookie()[0]).toMatch(/^artdag_session=; Max-Age=0/)
  })

  it('should drop a dead cookie on /auth so the user can log in again', async () => {
    const fresh = node.tokenFor('alice')
    const res = await node.app.get(`/auth?auth_token=${fresh}`, cookie('A'.repeat(43)))
    expect(res.status).toBe(302)
    const cookies = res.headers.getSetCookie()
    expect(cookies[0]).toMatch(/^artdag_session=; Max-Age=0/)
    expect(cookies[1]).toMatch(/^artdag_session=[A-Za-z0-9_-]{43}; /)
  })

  it('should let anonymous requests through and prefer the bearer token over the cookie', async () => {
    const home = await node.app.get('/')
    expect(await json(home)).toEqual({ home: true, user: null })
    const anonymous = await node.app.get('/whoami')
    expect(anonymous.status).toBe(401)
    expect(await json(anonymous)).toEqual({
      error: 'unauthorized', message: 'authentication required: send "Authorization: Bearer <token>" or log in'
    })
    const both = await node.app.get('/whoami', { ...bearer(node.tokenFor('bob')), ...cookie(node.tokenFor('alice')) })
    expect(await json(both)).toMatchObject({ name: 'bob', via: 'bearer' })
  })

  it('should answer 503 within the timeout when L2 is down, and keep serving verified users from the cache', async () => {
    const known = node.tokenFor('alice')
    expect((await node.app.get('/whoami', bearer(known))).status).toBe(200)
    node.l2.setMode('slow', 10_000)
    const started = Date.now()
    const res = await node.app.get('/whoami', bearer(node.tokenFor('bob')))
    const elapsed = Date.now() - started
    expect(res.status).toBe(503)
    expect(await json(res)).toEqual({ error: 'l2-unavailable', message: `L2 at ${node.l2.url} did not answer /auth/verify within 1000 ms` })
    expect(elapsed).toBeLessThan(2_000)
    expect((await node.app.get('/whoami', bearer(known))).status).toBe(200)
  })
})

describe('auth read access', () => {
  it('should require a user for reads when publicReads is false', async () => {
    const node = await startL2Node({ publicReads: false })
    try {
      const anonymous = await node.app.get('/runs')
      expect(anonymous.status).toBe(401)
      expect(await json(anonymous)).toEqual({
        error: 'unauthorized',
        message: 'this node does not allow anonymous reads: send "Authorization: Bearer <token>" or log in'
      })
      const signedIn = await node.app.get('/runs', bearer(node.tokenFor('alice')))
      expect(await json(signedIn)).toEqual({ runs: [], user: 'alice' })
    } finally {
      await node.stop()
    }
  })

  it('should allow anonymous reads when publicReads is true', async () => {
    const node = await startL2Node({ publicReads: true })
    try {
      expect(await json(await node.app.get('/runs'))).toEqual({ runs: [], user: null })
    } finally {
      await node.stop()
    }
  })
})

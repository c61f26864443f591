import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/auth/index.js'
import { csrfTokenOf } from '../../src/auth/sessions.js'
import { bearer, cookie, json, sessionOf, startL2Node, type L2Node } from './harness.js'

describe('auth routes (l2 mode)', () => {
  let node: L2Node

  beforeEach(async () => { node = await startL2Node() })
  afterEach(async () => { await node.stop() })

  it('should reject a revoked token on the very next request, even while its verification is cached', async () => {
    const token = node.tokenFor('alice')
    expect((await node.app.get('/whoami', bearer(token))).status).toBe(200)
    const revoke = await node.app.post('/auth/revoke', undefined, bearer(token))
    expect(revoke.status).toBe(200)
    expect(await json(revoke)).toEqual({ revoked: 1, token_hash: hashToken(token) })
    const next = await node.app.get('/whoami', bearer(token))
    expect(next.status).toBe(401)
    expect(await json(next)).toEqual({ error: 'token-revoked', message: 'bearer token has been revoked; log in again' })
    expect(node.l2.callsTo('/auth/verify')).toBe(1)
  })

  it('should let a user revoke another token of theirs until it expires, but not a token of someone else', async () => {
    const alice = node.tokenFor('alice')
    const aliceOther = node.tokenFor('alice', 7200)
    const bob = node.tokenFor('bob')
    const res = await node.app.post('/auth/revoke', { token: aliceOther }, bearer(alice))
    expect(await json(res)).toEqual({ revoked: 1, token_hash: hashToken(aliceOther) })
    expect((await json(await node.app.get('/whoami', bearer(aliceOther)))).error).toBe('token-revoked')
    // kept as long as the token lives (plus a grace period for clock skew), not a fixed 30 days
    const ttl = await node.redis.pttl(node.keys.revokedToken(hashToken(aliceOther)))
    expect(ttl).toBeGreaterThan(7200_000)
    expect(ttl).toBeLessThanOrEqual(7200_000 + 10 * 60_000)
    const stolen = await node.app.post('/auth/revoke', { token: bob }, bearer(alice))
    expect(stolen.status).toBe(403)
    expect(await json(stolen)).toEqual({ error: 'forbidden', message: 'body field token is not yours: only its owner or the node admin may revoke it' })
    expect(await node.tokens.isRevoked(hashToken(bob))).toBe(false)
    expect((await node.app.get('/whoami', bearer(alice))).status).toBe(200)
  })

  it('should refuse anonymous revocations with 401 and write nothing, however many come', async () => {
    const before = (await node.redis.keys(`${node.keys.prefix}*`)).sort()
    const answers = await Promise.all(Array.from({ length: 50 }, async (_, i) => {
      const res = await node.app.post('/auth/revoke', { token: `anything-at-all-${i}` })
      return { status: res.status, body: await json(res) }
    }))
    for (const answer of answers) {
      expect(answer).toEqual({
        status: 401,
        body: { error: 'unauthorized', message: 'revoking a token requires authentication (Authorization: Bearer, or the session): a token may be revoked by its owner or the node admin' }
      })
    }
    const genuine = node.tokenFor('alice')
    expect((await node.app.post('/auth/revoke', { token: genuine })).status).toBe(401)
    expect(await node.tokens.isRevoked(hashToken(genuine))).toBe(false)
    expect((await node.redis.keys(`${node.keys.prefix}*`)).sort()).toEqual(before)
  })

  it('should end the session and clear the cookie when a browser revokes its own token', async () => {
    const token = node.tokenFor('alice')
    const session = sessionOf(await node.app.get(`/auth?auth_token=${token}`))
    const res = await node.app.post('/auth/revoke', undefined, { ...cookie(session), 'x-csrf-token': csrfTokenOf(session) })
    expect(await json(res)).toEqual({ revoked: 1, token_hash: hashToken(token) })
    expect(res.headers.getSetCookie()[0]).toMatch(/^artdag_session=; Max-Age=0/)
    expect(await node.redis.exists(node.keys.session(hashToken(session)))).toBe(0)
    expect((await json(await node.app.get('/whoami', bearer(token)))).error).toBe('token-revoked')
  })

  it('should allow revoking by token_hash only for the caller own token', async () => {
    const alice = node.tokenFor('alice')
    const bob = node.tokenFor('bob')
    const other = await node.app.post('/auth/revoke', { token_hash: hashToken(bob) }, bearer(alice))
    expect(other.status).toBe(403)
    expect(await json(other)).toEqual({
      error: 'forbidden', message: 'revoking another token by token_hash is reserved to the node admin'
    })
    expect(await node.tokens.isRevoked(hashToken(bob))).toBe(false)
    const own = await node.app.post('/auth/revoke', { token_hash: hashToken(alice) }, bearer(alice))
    expect(own.status).toBe(200)
    const anonymous = await node.app.post('/auth/revoke', { token_hash: hashToken(bob) })
    expect(anonymous.status).toBe(401)
    expect(await node.tokens.isRevoked(hashToken(bob))).toBe(false)
  })

  it('should reject bad revoke requests with exact messages', async () => {
    const alice = bearer(node.tokenFor('alice'))
    const cases: Array<[unknown, number, string]> = [
      [{ token_hash: 'abc' }, 400, 'body field token_hash must be 64 lowercase hex characters (sha256)'],
      [{ token: 'short' }, 401, 'body field token is malformed: a token has 16 to 4096 characters, got 5'],
      [{ token: 42 }, 400, 'body field token must be a string'],
      [[1, 2], 400, 'body must be a JSON object']
    ]
    for (const [body, status, message] of cases) {
      const res = await node.app.post('/auth/revoke', body, alice)
      expect(res.status).toBe(status)
      expect((await json(res)).message).toBe(message)
    }
    const text = await fetch(`${node.app.url}/auth/revoke`, { method: 'POST', headers: { 'content-type': 'text/plain', ...alice }, body: 'hello' })
    expect(await json(text)).toEqual({
      error: 'invalid-request', message: 'body must be application/json or application/x-www-form-urlencoded, got text/plain'
    })
    const huge = await node.app.post('/auth/revoke', { token: 'x'.repeat(20_000) }, alice)
    expect(await json(huge)).toEqual({ error: 'invalid-request', message: 'body is larger than 16384 bytes' })
  })

  it('should revoke every token of a user, and only that user, when L2 logs the user out', async () => {
    const alice1 = node.tokenFor('alice')
    const alice2 = node.tokenFor('alice')
    const bob = node.tokenFor('bob')
    for (const token of [alice1, alice2, bob]) expect((await node.app.get('/whoami', bearer(token))).status).toBe(200)

    const res = await node.l2.logout(alice1, node.app.url)
    expect(res.status).toBe(200)
    expect(await json(res)).toEqual({ revoked: 2, username: 'alice' })

    for (const token of [alice1, alice2]) {
      const after = await node.app.get('/whoami', bearer(token))
      expect(after.status).toBe(401)
      expect((await json(after)).error).toBe('token-revoked')
    }
    expect(await json(await node.app.get('/whoami', bearer(bob)))).toMatchObject({ name: 'bob' })
  })

  it('should accept a form-encoded revoke-user with the proof token in the body', async () => {
    const alice = node.tokenFor('alice')
    expect((await node.app.get('/whoami', bearer(alice))).status).toBe(200)
    const res = await fetch(`${node.app.url}/auth/revoke-user`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'alice', token: alice }).toString()
    })
    expect(await json(res)).toEqual({ revoked: 1, username: 'alice' })
  })

  it('should refuse revoke-user without a genuine token of that user scoped here', async () => {
    const bob = node.tokenFor('bob')
    const alice = node.tokenFor('alice')
    expect((await node.app.get('/whoami', bearer(alice))).status).toBe(200)

    const wrongUser = await node.app.post('/auth/revoke-user', { username: 'alice' }, bearer(bob))
    expect(wrongUser.status).toBe(403)
    expect(await json(wrongUser)).toEqual({
      error: 'forbidden', message: 'bearer token belongs to another user: it cannot revoke the tokens of alice'
    })
    const noProof = await node.app.post('/auth/revoke-user', { username: 'alice' })
    expect(noProof.status).toBe(401)
    expect((await json(noProof)).message).toBe('revoke-user requires a token of that user (Authorization: Bearer, or body field token)')
    const forged = await node.app.post('/auth/revoke-user', { username: 'alice' },
      bearer(node.l2.forgeToken({ username: 'alice', l1Server: node.publicUrl })))
    expect(await json(forged)).toEqual({ error: 'invalid-token', message: 'bearer token rejected by L2: bad-signature' })
    const elsewhere = await node.app.post('/auth/revoke-user', { username: 'alice' },
      bearer(node.l2.issueToken({ username: 'alice', l1Server: 'http://other-l1.test' })))
    expect(elsewhere.status).toBe(403)
    expect((await json(elsewhere)).error).toBe('token-wrong-scope')
    for (const body of [{}, { username: '  ' }, { username: 'a'.repeat(257) }]) {
      const noName = await node.app.post('/auth/revoke-user', body, bearer(alice))
      expect(await json(noName)).toEqual({ error: 'invalid-request', message: 'body field username is required (1 to 256 characters)' })
    }

    expect((await node.app.get('/whoami', bearer(alice))).status).toBe(200)
  })

  it('should log out: end the session, revoke its token, clear the cookie, redirect', async () => {
    const token = node.tokenFor('alice')
    const session = sessionOf(await node.app.get(`/auth?auth_token=${token}`))
    const res = await node.app.post('/logout', undefined, { ...cookie(session), 'x-csrf-token': csrfTokenOf(session) })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/')
    expect(res.headers.getSetCookie()).toEqual([
      'artdag_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax'
    ])
    expect(await node.tokens.isRevoked(hashToken(token))).toBe(true)
    expect(await node.redis.exists(node.keys.session(hashToken(session)))).toBe(0)
    expect((await json(await node.app.get('/whoami', bearer(token)))).error).toBe('token-revoked')
    // a GET changes nothing: logging out is a write, under the CSRF rule like every other
    expect((await node.app.get('/logout', cookie(session))).status).toBe(405)
  })

})

import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { hashToken } from '../../src/auth/index.js'
import { bearer, cookie, json, startL2Node, type L2Node, type TokenStoreKind } from './harness.js'

// the routes run against both TokenStorePort implementations: the test double and src/state's store
describe.each<TokenStoreKind>(['double', 'state'])('auth routes (l2 mode, %s token store)', (store) => {
  let node: L2Node

  beforeEach(async () => { node = await startL2Node({ store }) })
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

  it('should let whoever holds a token revoke it without other credentials', async () => {
    const token = node.tokenFor('alice')
    const res = await node.app.post('/auth/revoke', { token })
    expect(res.status).toBe(200)
    expect(await node.tokens.isRevoked(hashToken(token))).toBe(true)
    expect((await json(await node.app.get('/whoami', cookie(token)))).error).toBe('token-revoked')
  })

  it('should clear the cookie when a browser revokes its own session', async () => {
    const token = node.tokenFor('alice')
    const res = await node.app.post('/auth/revoke', undefined, cookie(token))
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()[0]).toMatch(/^artdag_session=; Max-Age=0/)
  })

  it('should allow revoking by token_hash only for the caller own token', async () => {
    const alice = node.tokenFor('alice')
    const bob = node.tokenFor('bob')
    const other = await node.app.post('/auth/revoke', { token_hash: hashToken(bob) }, bearer(alice))
    expect(other.status).toBe(403)
    expect(await json(other)).toEqual({
      error: 'forbidden', message: 'revoking another token by token_hash is reserved to the node admin; send the token itself'
    })
    expect(await node.tokens.isRevoked(hashToken(bob))).toBe(false)
    const own = await node.app.post('/auth/revoke', { token_hash: hashToken(alice) }, bearer(alice))
    expect(own.status).toBe(200)
    const anonymous = await node.app.post('/auth/revoke', { token_hash: hashToken(bob) })
    expect(await json(anonymous)).toEqual({ error: 'unauthorized', message: 'revoking by token_hash requires authentication' })
  })

  it('should reject bad revoke requests with exact messages', async () => {
    const cases: Array<[unknown, number, string]> = [
      [undefined, 401, 'send a token (body field token) or authenticate to revoke your own token'],
      [{ token_hash: 'abc' }, 400, 'body field token_hash must be 64 lowercase hex characters (sha256)'],
      [{ token: 'short' }, 401, 'body field token is malformed: a token has 16 to 4096 characters, got 5'],
      [{ token: 42 }, 400, 'body field token must be a string'],
      [[1, 2], 400, 'body must be a JSON object']
    ]
    for (const [body, status, message] of cases) {
      const res = await node.app.post('/auth/revoke', body)
      expect(res.status).toBe(status)
      expect((await json(res)).message).toBe(message)
    }
    const text = await fetch(`${node.app.url}/auth/revoke`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' })
    expect(await json(text)).toEqual({
      error: 'invalid-request', message: 'body must be application/json or application/x-www-form-urlencoded, got text/plain'
    })
    const huge = await node.app.post('/auth/revoke', { token: 'x'.repeat(20_000) })
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

  it('should log out: revoke the session token, clear the cookie, redirect', async () => {
    const token = node.tokenFor('alice')
    for (const method of ['GET', 'POST']) {
      const session = method === 'GET' ? token : node.tokenFor('alice')
      const res = await fetch(`${node.app.url}/logout`, { method, headers: cookie(session), redirect: 'manual' })
      expect(res.status).toBe(302)
      expect(res.headers.get('location')).toBe('/')
      expect(res.headers.getSetCookie()).toEqual([
        'artdag_session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; SameSite=Lax'
      ])
      expect(await node.tokens.isRevoked(hashToken(session))).toBe(true)
    }
    expect((await json(await node.app.get('/whoami', bearer(token)))).error).toBe('token-revoked')
    const again = await node.app.get('/logout', cookie(token))
    expect(again.status).toBe(302)
  })
})

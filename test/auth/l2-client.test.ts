import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Cid } from '../../src/dag/ids.js'
import {
  AuthConfigError, createL2Client, InvalidTokenError, L2ResponseError, L2UnavailableError, TokenExpiredError,
  TokenRevokedError, type L2Client
} from '../../src/auth/index.js'
import { silentLogger } from '../../src/util/logger.js'
import { startL2Server, type L2Fixture } from '../fixtures/l2-server.js'

const L1 = 'http://l1.test:8100'
const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
const CID_B = 'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq' as Cid

describe('l2-client', () => {
  let l2: L2Fixture
  let client: L2Client
  let clock: number

  beforeEach(async () => {
    l2 = await startL2Server()
    clock = Date.now()
    client = createL2Client({ l2Server: l2.url, logger: silentLogger(), timeoutMs: 300, now: () => clock })
  })
  afterEach(async () => { await l2.stop() })

  it('should return the identity L2 vouches for', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1, expiresInS: 600 })
    const identity = await client.verifyToken(token)
    expect(identity.username).toBe('alice')
    expect(identity.l1Server).toBe(L1)
    expect(identity.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 590_000)
    expect(l2.calls[0]).toEqual({ method: 'POST', path: '/auth/verify', authorization: `Bearer ${token}` })
  })

  it('should reuse a verification for 30 s, then ask again', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    await client.verifyToken(token)
    await client.verifyToken(token)
    expect(l2.callsTo('/auth/verify')).toBe(1)
    clock += 30_001
    await client.verifyToken(token)
    expect(l2.callsTo('/auth/verify')).toBe(2)
  })

  it('should never reuse a verification past the token expiry', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1, expiresInS: 10 })
    await client.verifyToken(token)
    clock += 11_000
    await client.verifyToken(token).catch(() => undefined)
    expect(l2.callsTo('/auth/verify')).toBe(2)
  })

  it('should forget the cached verifications of one user only', async () => {
    const alice = l2.issueToken({ username: 'alice', l1Server: L1 })
    const bob = l2.issueToken({ username: 'bob', l1Server: L1 })
    await client.verifyToken(alice)
    await client.verifyToken(bob)
    expect(client.forgetUser('alice')).toBe(1)
    await client.verifyToken(alice)
    await client.verifyToken(bob)
    expect(l2.callsTo('/auth/verify')).toBe(3)
  })

  it('should reject a token signed by someone else', async () => {
    const forged = l2.forgeToken({ username: 'alice', l1Server: L1 })
    const err = await client.verifyToken(forged).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidTokenError)
    expect(err).toMatchObject({ message: 'token rejected by L2: bad-signature', status: 401, code: 'invalid-token' })
  })

  it('should reject an expired token', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1, expiresInS: -5 })
    const err = await client.verifyToken(token).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TokenExpiredError)
    expect(err).toMatchObject({ message: 'token has expired (according to L2); log in again', code: 'token-expired' })
  })

  it('should reject a token L2 revoked, and report its owner through checkToken', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    l2.revoke(token)
    await expect(client.verifyToken(token)).rejects.toThrow(new TokenRevokedError('token was revoked on L2; log in again'))
    expect(await client.checkToken(token)).toEqual({ valid: false, reason: 'revoked', username: 'alice', l1Server: L1 })
  })

  it('should reject a malformed token without asking L2', async () => {
    await expect(client.verifyToken('short')).rejects.toThrow(
      new InvalidTokenError('token is malformed: a token has 16 to 4096 characters, got 5', 'malformed'))
    await expect(client.verifyToken('a'.repeat(20) + '\r\nx: y')).rejects.toThrow(
      'token is malformed: only letters, digits and . _ ~ + / = - are allowed')
    expect(l2.calls).toHaveLength(0)
  })

  it('should answer whether content is published, and reuse a yes for 30 s and a no for 5 s', async () => {
    l2.publish(CID_A)
    expect(await client.isPublished(CID_A)).toBe(true)
    expect(await client.isPublished(CID_B)).toBe(false)
    expect(await client.isPublished(CID_A)).toBe(true)
    expect(await client.isPublished(CID_B)).toBe(false)
    expect(l2.calls.map((c) => c.path)).toEqual([`/assets/by-cid/${CID_A}`, `/assets/by-cid/${CID_B}`])
    clock += 5_001
    expect(await client.isPublished(CID_A)).toBe(true)
    expect(await client.isPublished(CID_B)).toBe(false)
    expect(l2.calls).toHaveLength(3)
    clock += 25_000
    expect(await client.isPublished(CID_A)).toBe(true)
    expect(l2.calls).toHaveLength(4)
  })

  it('should fail with L2UnavailableError within the timeout when L2 is slow', async () => {
    l2.setMode('slow', 5_000)
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    const started = Date.now()
    const err = await client.verifyToken(token).catch((e: unknown) => e)
    const elapsed = Date.now() - started
    expect(err).toBeInstanceOf(L2UnavailableError)
    expect(err).toMatchObject({ message: `L2 at ${l2.url} did not answer /auth/verify within 300 ms`, status: 503 })
    expect(elapsed).toBeGreaterThanOrEqual(290)
    expect(elapsed).toBeLessThan(1_500)
    await expect(client.isPublished(CID_A)).rejects.toThrow(`L2 at ${l2.url} did not answer /assets/by-cid/${CID_A} within 300 ms`)
  })

  it('should fail with L2UnavailableError when L2 drops the connection', async () => {
    l2.setMode('down')
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    const err = await client.verifyToken(token).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(L2UnavailableError)
    expect((err as Error).message).toMatch(new RegExp(`^L2 at ${l2.url} is unreachable \\(/auth/verify\\): `))
  })

  it('should fail with L2UnavailableError when nothing listens', async () => {
    await l2.stop()
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    await expect(client.verifyToken(token)).rejects.toThrow(
      new L2UnavailableError(`L2 at ${l2.url} is unreachable (/auth/verify): ECONNREFUSED`))
    l2 = await startL2Server()
  })

  it('should fail with L2UnavailableError on a server error', async () => {
    l2.setMode('error')
    await expect(client.isPublished(CID_A)).rejects.toThrow(
      new L2UnavailableError(`L2 failed /assets/by-cid/${CID_A} with HTTP 500`))
  })

  it('should fail with L2ResponseError when L2 does not speak the protocol', async () => {
    l2.setMode('garbage')
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    const err = await client.verifyToken(token).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(L2ResponseError)
    expect(err).toMatchObject({ message: 'L2 answered /auth/verify with a body without "valid": true (HTTP 200)', status: 502 })
  })

  it('should abort when passed an aborted signal', async () => {
    const token = l2.issueToken({ username: 'alice', l1Server: L1 })
    const signal = AbortSignal.abort(new Error('shutting down'))
    await expect(client.verifyToken(token, { signal })).rejects.toThrow('shutting down')
    await expect(client.isPublished(CID_A, { signal })).rejects.toThrow('shutting down')
    expect(l2.calls).toHaveLength(0)
  })

  it('should pass the caller abort through while waiting for L2', async () => {
    l2.setMode('slow', 5_000)
    const slowClient = createL2Client({ l2Server: l2.url, logger: silentLogger(), timeoutMs: 5_000 })
    const controller = new AbortController()
    setTimeout(() => { controller.abort(new Error('request closed')) }, 50)
    await expect(slowClient.isPublished(CID_A, { signal: controller.signal })).rejects.toThrow('request closed')
  })

  it('should refuse an L2 URL that is not http(s)', () => {
    expect(() => createL2Client({ l2Server: 'ftp://l2.test', logger: silentLogger() }))
      .toThrow(new AuthConfigError('l2Server "ftp://l2.test" must be an http or https URL'))
    expect(() => createL2Client({ l2Server: 'not a url', logger: silentLogger() }))
      .toThrow(new AuthConfigError('l2Server "not a url" is not a valid URL'))
  })
})

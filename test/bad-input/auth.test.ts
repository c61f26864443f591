import fc from 'fast-check'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startL2Server, type L2Fixture } from '../fixtures/l2-server.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { expectHealthy, inBatches, Tally, type BadCase } from './harness.js'

const FUZZED = bySuite(40, 120)
const PUBLIC_URL = 'http://l1.bad-input.test'
const MALFORMED_HEADER = 'Authorization header is malformed: expected "Bearer <token>"'
const NOT_A_SESSION_ID = 'session cookie is malformed: not a session id of this node'
const UNKNOWN_SESSION = 'session cookie is not a session of this node (it expired or was logged out); log in again'
const length = (what: string, n: number): string => `${what} is malformed: a token has 16 to 4096 characters, got ${n}`

/** Writes raw request bytes and returns the status line's code (Node answers some requests before Koa sees them) */
async function rawStatus (url: string, request: string): Promise<number> {
  const { hostname, port } = new URL(url)
  return await new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => { socket.write(request) })
    let got = ''
    socket.on('data', (d: Buffer) => { got += d.toString('latin1') })
    const status = (): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(got)?.[1] ?? 0)
    // the server answers and drops the connection while the request may still be arriving: a reset is expected
    socket.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'ECONNRESET' && got !== '') resolve(status()); else reject(err) })
    socket.on('close', () => { resolve(status()) })
  })
}

describe.each(['local', 'l2'] as const)('bad input: tokens and cookies (auth %s)', (mode) => {
  let l2: L2Fixture
  let t: TestNode
  let good: string
  const tally = new Tally(`auth ${mode}`)

  beforeAll(async () => {
    l2 = await startL2Server()
    t = await startTestNode({ authMode: mode, l2Server: l2.url, publicUrl: PUBLIC_URL })
    good = mode === 'local' ? t.adminToken as string : l2.issueToken({ username: 'alice', l1Server: PUBLIC_URL })
  })
  afterAll(async () => {
    await t?.stop()
    await l2?.stop()
  })

  /** a write (recipe upload) and a read of the caller, both with `headers` */
  const both = (label: string, headers: Record<string, string>, expected: Omit<BadCase, 'label' | 'path'>): BadCase[] => [
    { label, method: 'POST', path: '/configs/upload', headers: { 'content-type': 'text/yaml', ...headers }, body: 'name: x', ...expected },
    { label, path: '/auth/whoami', headers, ...expected }
  ]
  const invalid = (message: string): Omit<BadCase, 'label' | 'path'> => ({ status: 401, error: 'invalid-token', message })

  it('should answer 401/403 naming what is wrong with each hostile credential, never a 5xx', async () => {
    const foreign = mode === 'l2' ? 'token rejected by L2: bad-signature' : 'bearer token is not a valid token of this node'
    const tampered = `${good.slice(0, -3)}AAA`
    const cases: BadCase[] = [
      ...both('no credential on a write', {}, {}).slice(0, 1).map((c) => ({ ...c, status: 401, error: 'unauthorized', message: 'authentication required: send "Authorization: Bearer <token>" or log in' })),
      ...both('garbage bearer', { authorization: 'Bearer garbage' }, invalid(length('bearer token', 7))),
      ...both('wrong scheme', { authorization: 'Basic dXNlcjpwYXNz' }, invalid(MALFORMED_HEADER)),
      ...both('empty bearer', { authorization: 'Bearer ' }, invalid(MALFORMED_HEADER)),
      ...both('two bearers', { authorization: `Bearer ${good}, Bearer ${good}` }, invalid(MALFORMED_HEADER)),
      ...both('huge bearer', { authorization: `Bearer ${'a'.repeat(12_000)}` }, invalid(length('bearer token', 12_000))),
      ...both('tampered bearer', { authorization: `Bearer ${tampered}` }, invalid(foreign)),
      // the cookie holds a session id, never a token: a token there is no session
      ...both('token as cookie', { cookie: `artdag_session=${good}` }, invalid(NOT_A_SESSION_ID)),
      ...both('tampered cookie', { cookie: `artdag_session=${tampered}` }, invalid(NOT_A_SESSION_ID)),
      ...both('unknown session', { cookie: `artdag_session=${'A'.repeat(43)}` }, invalid(UNKNOWN_SESSION)),
      ...both('garbage cookie', { cookie: 'artdag_session=%%%; other=1' }, invalid(NOT_A_SESSION_ID)),
      ...both('huge cookie', { cookie: `artdag_session=${'b'.repeat(9000)}` }, invalid(NOT_A_SESSION_ID))
    ]
    if (mode === 'l2') {
      const revoked = l2.issueToken({ username: 'bob', l1Server: PUBLIC_URL })
      l2.revoke(revoked)
      cases.push(
        ...both('expired token', { authorization: `Bearer ${l2.issueToken({ username: 'carol', l1Server: PUBLIC_URL, expiresInS: -10 })}` }, { status: 401, error: 'token-expired', message: 'token has expired (according to L2); log in again' }),
        ...both('token revoked on L2', { authorization: `Bearer ${revoked}` }, { status: 401, error: 'token-revoked', message: 'token was revoked on L2; log in again' }),
        ...both('forged token', { authorization: `Bearer ${l2.forgeToken({ username: 'alice', l1Server: PUBLIC_URL })}` }, invalid('token rejected by L2: bad-signature')),
        ...both('token of another L1', { authorization: `Bearer ${l2.issueToken({ username: 'alice', l1Server: 'http://other.test' })}` },
          { status: 403, error: 'token-wrong-scope', message: `bearer token is scoped to another L1 (http://other.test), not to this one (${PUBLIC_URL})` })
      )
    }
    for (const c of cases) await tally.send(t.url, c)
    await expectHealthy(t.url)
    tally.done()
  })

  it('should refuse a token revoked on this node from then on', async () => {
    // local mode has one token, the admin's: revoking it ends this node's writes, so this runs after the checks that need it
    const token = mode === 'l2' ? l2.issueToken({ username: 'dave', l1Server: PUBLIC_URL }) : good
    const who = await fetch(`${t.url}/auth/whoami`, { headers: { authorization: `Bearer ${token}` } })
    expect(await who.json()).toMatchObject({ user: mode === 'l2' ? 'dave' : 'admin' })
    const login = await fetch(`${t.url}/auth?${mode === 'l2' ? 'auth_token' : 'token'}=${token}`, { redirect: 'manual' })
    const session = /^artdag_session=([^;]+);/.exec(login.headers.getSetCookie()[0] ?? '')?.[1] ?? ''
    const revoke = await fetch(`${t.url}/auth/revoke`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })
    expect(revoke.status).toBe(200)
    // local mode: the admin token is gone (the next start makes a new one); l2: on the revocation list
    const bearerAfter = mode === 'l2' ? { error: 'token-revoked' } : { error: 'invalid-token', message: 'bearer token is not a valid token of this node' }
    await tally.send(t.url, { label: 'revoked here', path: '/auth/whoami', headers: { authorization: `Bearer ${token}` }, status: 401, ...bearerAfter })
    await tally.send(t.url, { label: 'revoked here, its session', method: 'POST', path: '/configs/upload', headers: { cookie: `artdag_session=${session}`, 'content-type': 'text/yaml' }, body: 'name: x', status: 401, error: 'token-revoked' })
    tally.done()
  })

  it('should refuse fuzzed bearer tokens and cookies with a 401', async () => {
    const tokens = fc.sample(fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 300 }), { numRuns: FUZZED, seed: 3 })
    const own = new Tally(`fuzzed auth ${mode}`)
    const message = /^(bearer token|session cookie) is (malformed: |not a valid token of this node$|not a session of this node)|^token rejected by L2: |^Authorization header is malformed/
    await inBatches(t.url, tokens, 8, async (token, i) => {
      const headers: Record<string, string> = i % 2 === 0 ? { authorization: `Bearer ${token}` } : { cookie: `artdag_session=${encodeURIComponent(token)}` }
      await own.send(t.url, { label: token, path: '/auth/whoami', headers, status: 401, message })
    })
    own.done()
  })

  it('should answer a header section over the server limit with 431 and stay up', async () => {
    const status = await rawStatus(t.url, `GET /auth/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${'c'.repeat(20_000)}\r\nConnection: close\r\n\r\n`)
    expect(status).toBe(431)
    await expectHealthy(t.url)
  })
})

import { randomBytes } from 'node:crypto'
import { unixfs } from '@helia/unixfs'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CAR_CONTENT_TYPE, pullCarHttp } from '../../src/store/car/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { createTestMesh, type TestMesh } from '../sync/mesh-fixture.js'
import type { MeshNode } from '../../src/mesh/index.js'
import { call, expectError } from './helpers.js'

// a raw CID that no node in this test holds
const ABSENT = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'

describe('GET /ipfs/{cid}', () => {
  let t: TestNode
  let closed: TestNode
  let mesh: TestMesh
  let content: Buffer
  let cid: string

  beforeAll(async () => {
    t = await startTestNode()
    closed = await startTestNode({ publicReads: false, authMode: 'local' })
    mesh = await createTestMesh(0)
    content = randomBytes(2.5 * 1024 * 1024)
    cid = (await t.node.store.addBytes(content)).cid
  })

  afterAll(async () => {
    await t?.stop()
    await closed?.stop()
    await mesh?.stop()
  })

  it('should stream the DAG as a CARv1 that the HTTP CAR client imports verified', async () => {
    const target: MeshNode = await mesh.add()
    const result = await pullCarHttp(target.helia, t.url, cid)
    expect(result.blocks).toBe(4)
    expect(result.bytes).toBeGreaterThan(content.byteLength)
    const parts: Uint8Array[] = []
    for await (const c of unixfs(target.helia).cat(CID.parse(cid), { offline: true })) parts.push(c)
    expect(Buffer.concat(parts).equals(content)).toBe(true)
  })

  it('should serve a DAG of more leaves than its buffer pool holds with every block intact (buffers reused only once sent)', async () => {
    // 96 leaves of 16 KiB: more than the read-ahead plus the pool, so leaf buffers are reused many times
    const many = randomBytes(96 * 16 * 1024 - 5)
    const root = await unixfs(t.node.mesh.helia).addBytes(many, { chunker: fixedSize({ chunkSize: 16 * 1024 }), rawLeaves: true })
    const target: MeshNode = await mesh.add()
    const result = await pullCarHttp(target.helia, t.url, root)
    expect(result.blocks).toBeGreaterThan(96)
    const parts: Uint8Array[] = []
    for await (const c of unixfs(target.helia).cat(root, { offline: true })) parts.push(c)
    expect(Buffer.concat(parts).equals(many)).toBe(true)
  })

  it('should answer with the trustless-gateway headers, by ?format=car or by Accept', async () => {
    for (const [path, headers] of [[`/ipfs/${cid}?format=car`, {}], [`/ipfs/${cid}`, { accept: 'application/vnd.ipld.car' }]] as const) {
      const res = await fetch(`${t.url}${path}`, { headers })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe(CAR_CONTENT_TYPE)
      expect(res.headers.get('etag')).toBe(`"${cid}.car"`)
      expect(res.headers.get('cache-control')).toContain('immutable')
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(content.byteLength)
    }
    const again = await fetch(`${t.url}/ipfs/${cid}?format=car`, { headers: { 'if-none-match': `"${cid}.car"` } })
    expect(again.status).toBe(304)
  })

  it('should answer HEAD with the headers only, and 404 for content it does not have', async () => {
    const head = await fetch(`${t.url}/ipfs/${cid}?format=car`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toBe(CAR_CONTENT_TYPE)
    expect((await head.arrayBuffer()).byteLength).toBe(0)
    const missing = await fetch(`${t.url}/ipfs/${ABSENT}?format=car`, { method: 'HEAD' })
    expect(missing.status).toBe(404)
  })

  it('should answer 404 with a message for a root not in the local store, without asking peers', async () => {
    const started = Date.now()
    expectError(await call(`${t.url}/ipfs/${ABSENT}?format=car`), 404, 'content-not-found', `${ABSENT} is not in this node's store`)
    expect(Date.now() - started).toBeLessThan(1_500) // the node's fetch timeout is 2 s: no network wait happened
    expectError(await call(`${t.url}/ipfs/${ABSENT}?format=raw`), 404, 'content-not-found', `${ABSENT} is not in this node's store`)
  })

  it('should answer 400 for an invalid CID, an unsupported codec and an unknown format', async () => {
    expectError(await call(`${t.url}/ipfs/not-a-cid?format=car`), 400, 'invalid-cid', '"not-a-cid" is not a valid CID')
    const identity = 'bafkqaaa' // identity multihash
    expectError(await call(`${t.url}/ipfs/${identity}?format=car`), 400, 'invalid-cid', `block ${identity} uses multihash 0x0; only sha2-256 is supported`)
    expectError(await call(`${t.url}/ipfs/${cid}?format=tar`), 400, 'unknown-format', 'format "tar" is not supported; use car or raw')
    expectError(await call(`${t.url}/ipfs/${cid}`), 400, 'unknown-format',
      'no response format: use ?format=car or ?format=raw, or Accept: application/vnd.ipld.car or application/vnd.ipld.raw')
  })

  it('should answer ?format=raw with the single block', async () => {
    const small = randomBytes(1000)
    const raw = (await t.node.store.addBytes(small)).cid
    const res = await fetch(`${t.url}/ipfs/${raw}?format=raw`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/vnd.ipld.raw')
    expect(Buffer.from(await res.arrayBuffer()).equals(small)).toBe(true)
  })

  it('should follow the read policy of GET /cache/{cid}', async () => {
    const own = (await closed.node.store.addBytes(randomBytes(100))).cid
    const anonymous = await call(`${closed.url}/ipfs/${own}?format=car`)
    expect(anonymous.status).toBe(401)
    const cache = await call(`${closed.url}/cache/${own}`)
    expect(cache.status).toBe(401)
    const allowed = await fetch(`${closed.url}/ipfs/${own}?format=car`, { headers: closed.authHeaders })
    expect(allowed.status).toBe(200)
  })
})

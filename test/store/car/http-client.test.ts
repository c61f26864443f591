import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getCACertificates, setDefaultCACertificates } from 'node:tls'
import { promisify } from 'node:util'
import { createServer as createTcpServer } from 'node:net'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeSection } from '../../../src/store/car/car-format.js'
import { carUrl, exportCar, fetchCarHttp, pullCarHttp } from '../../../src/store/car/index.js'
import { createTestMesh, type TestMesh } from '../../sync/mesh-fixture.js'
import type { MeshNode } from '../../../src/mesh/index.js'

type Handler = (res: ServerResponse) => void

/** an HTTP server whose answer each test sets; it records the paths asked */
async function startServer (): Promise<{ url: string, server: Server, paths: string[], answer: (h: Handler) => void }> {
  let handler: Handler = (res) => { res.writeHead(500).end() }
  const paths: string[] = []
  const server = createServer((req, res) => { paths.push(req.url ?? ''); handler(res) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, paths, answer: (h) => { handler = h } }
}

/** 3.5 MiB of random bytes added on `node` (5 blocks), and its CAR as exported, piece by piece and whole */
async function sampleCar (node: MeshNode): Promise<{ content: Buffer, root: CID, chunks: Uint8Array[], car: Buffer }> {
  const content = randomBytes(3.5 * 1024 * 1024)
  const root = await unixfs(node.helia).addBytes(content)
  const chunks: Uint8Array[] = []
  for await (const c of exportCar(node.helia, root)) chunks.push(c)
  return { content, root, chunks, car: Buffer.concat(chunks) }
}

async function pinsOf (node: MeshNode): Promise<number> {
  let n = 0
  for await (const pin of node.helia.pins.ls()) { void pin; n++ }
  return n
}

describe('fetchCarHttp / pullCarHttp', () => {
  let mesh: TestMesh
  let a: MeshNode
  let b: MeshNode
  let root: CID
  let car: Buffer
  let chunks: Uint8Array[]
  let content: Buffer
  let srv: Awaited<ReturnType<typeof startServer>>

  beforeAll(async () => {
    mesh = await createTestMesh(2)
    ;[a, b] = mesh.nodes as [MeshNode, MeshNode]
    ;({ content, root, chunks, car } = await sampleCar(a))
    srv = await startServer()
  })

  afterAll(async () => {
    srv.server.closeAllConnections()
    await new Promise((resolve) => srv.server.close(resolve))
    await mesh.stop()
  })

  /** the import must leave nothing behind: no root, no pin */
  async function expectNothingKept (): Promise<void> {
    expect(await b.helia.blockstore.has(root)).toBe(false)
    expect(await pinsOf(b)).toBe(0)
  }

  it('should ask for /ipfs/{cid}?format=car and import the verified DAG', async () => {
    expect(carUrl('http://h:1/base', root).toString()).toBe(`http://h:1/base/ipfs/${root.toString()}?format=car`)
    srv.answer((res) => { res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' }); res.end(car) })
    const target = await mesh.add()
    const result = await pullCarHttp(target.helia, srv.url, root)
    expect(result.blocks).toBe(5)
    expect(srv.paths.at(-1)).toBe(`/ipfs/${root.toString()}?format=car`)
    const parts: Uint8Array[] = []
    for await (const c of unixfs(target.helia).cat(root, { offline: true })) parts.push(c)
    expect(Buffer.concat(parts).equals(content)).toBe(true)
  })

  it('should fail a truncated CAR with CarTruncatedError and keep nothing', async () => {
    srv.answer((res) => { res.writeHead(200); res.end(car.subarray(0, car.byteLength - 10)) })
    const err = await pullCarHttp(b.helia, srv.url, root).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'CarTruncatedError')
    expect((err as Error).message).toMatch(/^CAR stream ended inside a section after \d+ bytes: /)
    await expectNothingKept()
  })

  it('should fail a tampered block with CarBlockMismatchError and keep nothing', async () => {
    const bad = Buffer.from(car)
    bad[bad.byteLength - 100] = (bad[bad.byteLength - 100] as number) ^ 0xff
    srv.answer((res) => { res.writeHead(200); res.end(bad) })
    const err = await pullCarHttp(b.helia, srv.url, root).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'CarBlockMismatchError')
    expect((err as Error).message).toMatch(/^CAR block bafkrei[a-z2-7]+ does not match its CID: sha2-256 of its \d+ bytes is [0-9a-f]{64}$/)
    await expectNothingKept()
  })

  it('should fail a block that is not in the DAG with CarUnexpectedBlockError and keep nothing', async () => {
    const stray = randomBytes(100)
    const strayCid = CID.createV1(raw.code, await sha256.digest(stray))
    // header, root section (its prefix and its bytes), then a block the root does not link to
    const body = Buffer.concat([...chunks.slice(0, 3), ...encodeSection(strayCid, stray)])
    srv.answer((res) => { res.writeHead(200); res.end(body) })
    const err = await pullCarHttp(b.helia, srv.url, root).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'CarUnexpectedBlockError')
    expect((err as Error).message).toBe(`CAR block ${strayCid.toString()} is not linked from any block received before it (root ${root.toString()})`)
    expect(await b.helia.blockstore.has(strayCid)).toBe(false)
    await expectNothingKept()
  })

  it('should fail an incomplete DAG with CarTruncatedError naming the missing blocks', async () => {
    // every section but the last leaf: ends cleanly between sections
    const lastLeaf = content.byteLength - 3 * 1024 * 1024 // 0.5 MiB: a 3-byte length varint and a 36-byte CID before it
    const cut = car.subarray(0, car.byteLength - lastLeaf - 3 - 36)
    srv.answer((res) => { res.writeHead(200); res.end(cut) })
    await expect(pullCarHttp(b.helia, srv.url, root)).rejects
      .toThrow(`CAR stream ended before the DAG of ${root.toString()} was complete: 1 of 5 blocks missing`)
    await expectNothingKept()
  })

  it('should name a peer answer, a cut connection, silence and an unreachable server', async () => {
    srv.answer((res) => { res.writeHead(404, { 'content-type': 'application/json' }); res.end(JSON.stringify({ error: 'not-found', message: 'not in this node\'s store' })) })
    await expect(pullCarHttp(b.helia, srv.url, root)).rejects.toThrow(`${srv.url} answered 404 for ${root.toString()}: not in this node's store`)

    srv.answer((res) => { res.writeHead(200); res.write(car.subarray(0, 2 * 1024 * 1024)); setTimeout(() => res.socket?.destroy(), 50) })
    const cut = await pullCarHttp(b.helia, srv.url, root).catch((e: Error) => e)
    expect(cut).toHaveProperty('name', 'CarTransferError')
    expect((cut as Error).message).toMatch(new RegExp(`^HTTP CAR stream from ${srv.url} broke after \\d+ bytes: `))

    srv.answer((res) => { res.writeHead(200); res.write(car.subarray(0, 1000)) })
    const silent = await pullCarHttp(b.helia, srv.url, root, { timeoutMs: 300 }).catch((e: Error) => e)
    expect(silent).toHaveProperty('name', 'CarTimeoutError')
    expect((silent as Error).message).toBe(`${srv.url} sent no CAR bytes for 300 ms after 1000 bytes`)

    srv.answer(() => {})
    await expect(pullCarHttp(b.helia, srv.url, root, { timeoutMs: 300 })).rejects.toThrow(`${srv.url} did not answer the CAR request within 300 ms`)

    const gone = await startServer()
    await new Promise((resolve) => gone.server.close(resolve))
    const unreachable = await pullCarHttp(b.helia, gone.url, root).catch((e: Error) => e)
    expect(unreachable).toHaveProperty('name', 'CarPeerUnreachableError')
    expect((unreachable as Error).message).toBe(`could not reach ${gone.url} for a CAR: ECONNREFUSED`)
    srv.server.closeAllConnections()
    await expectNothingKept()
  })

  it('should abort when passed an aborted signal, and abort a transfer in progress', async () => {
    await expect(pullCarHttp(b.helia, srv.url, root, { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
    srv.answer((res) => { res.writeHead(200); res.write(car.subarray(0, 1000)) })
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 100)
    await expect(pullCarHttp(b.helia, srv.url, root, { signal: controller.signal })).rejects.toHaveProperty('name', 'AbortError')
    srv.server.closeAllConnections()
    await expectNothingKept()
  })

  it('should name a peer that does not answer in HTTP/1.1, and a Content-Length body cut short', async () => {
    const garbage = createTcpServer((socket) => { socket.resume(); socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n') })
    await new Promise<void>((resolve) => garbage.listen(0, '127.0.0.1', resolve))
    const garbageUrl = `http://127.0.0.1:${(garbage.address() as AddressInfo).port}`
    try {
      await expect(pullCarHttp(b.helia, garbageUrl, root)).rejects
        .toThrow(`${garbageUrl} did not answer in HTTP/1.1 for ${root.toString()}: `)
    } finally {
      await new Promise((resolve) => garbage.close(resolve))
    }
    srv.answer((res) => { res.writeHead(200, { 'content-length': String(car.byteLength) }); res.write(car.subarray(0, 5000)); setTimeout(() => res.socket?.destroy(), 50) })
    const cut = await pullCarHttp(b.helia, srv.url, root).catch((e: Error) => e)
    expect(cut).toHaveProperty('name', 'CarTransferError')
    expect((cut as Error).message).toMatch(new RegExp(`^HTTP CAR stream from ${srv.url} broke after 5000 bytes: `))
    await expectNothingKept()
  })

  it('should yield every byte of the body', async () => {
    srv.answer((res) => { res.writeHead(200); res.end(car) })
    let total = 0
    for await (const chunk of fetchCarHttp(srv.url, root)) total += chunk.byteLength
    expect(total).toBe(car.byteLength)
  })
})

describe('pullCarHttp over HTTPS', () => {
  let mesh: TestMesh
  let root: CID
  let car: Buffer
  let content: Buffer
  let dir: string
  let server: HttpsServer
  let url: string
  const defaults = getCACertificates('default')

  beforeAll(async () => {
    mesh = await createTestMesh(1)
    const a = mesh.nodes[0] as MeshNode
    ;({ content, root, car } = await sampleCar(a))
    // a certificate for 127.0.0.1 that no public CA signed
    dir = await mkdtemp(join(tmpdir(), 'artdag-tls-'))
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')])
    server = createHttpsServer({ key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.car' })
      res.end(car)
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    setDefaultCACertificates(defaults)
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
    await mesh.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('should refuse a peer whose certificate it cannot verify', async () => {
    const target = await mesh.add()
    const err = await pullCarHttp(target.helia, url, root).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'CarPeerUnreachableError')
    expect((err as Error).message).toBe(`could not reach ${url} for a CAR: DEPTH_ZERO_SELF_SIGNED_CERT`)
    expect(await target.helia.blockstore.has(root)).toBe(false)
  })

  it('should pull and verify a DAG from a peer it trusts', async () => {
    setDefaultCACertificates([...defaults, await readFile(join(dir, 'cert.pem'), 'utf8')])
    const target = await mesh.add()
    const result = await pullCarHttp(target.helia, url, root)
    expect(result.blocks).toBe(5)
    const parts: Uint8Array[] = []
    for await (const c of unixfs(target.helia).cat(root, { offline: true })) parts.push(c)
    expect(Buffer.concat(parts).equals(content)).toBe(true)
  })
})

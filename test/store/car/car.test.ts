import { randomBytes } from 'node:crypto'
import { unixfs } from '@helia/unixfs'
import { sha256 } from 'multiformats/hashes/sha2'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCarServer, exportCar, fetchCar, importCar, pullCar, type CarServer } from '../../../src/store/car/index.js'
import { silentLogger } from '../../../src/util/logger.js'
import { createTestMesh, type TestMesh } from '../../sync/mesh-fixture.js'
import type { MeshNode } from '../../../src/mesh/index.js'

async function collect (source: AsyncIterable<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = []
  for await (const c of source) out.push(c)
  return out
}

async function * replay (chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c
}

function join (chunks: Uint8Array[]): Buffer {
  return Buffer.concat(chunks)
}

async function readAll (node: MeshNode, cid: CID): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const c of unixfs(node.helia).cat(cid, { offline: true })) parts.push(c)
  return Buffer.concat(parts)
}

describe('car', () => {
  let mesh: TestMesh
  let a: MeshNode
  let b: MeshNode
  let server: CarServer
  let content: Uint8Array
  let root: CID
  let car: Uint8Array[]

  beforeAll(async () => {
    mesh = await createTestMesh(2)
    ;[a, b] = mesh.nodes as [MeshNode, MeshNode]
    server = createCarServer({ helia: a.helia, libp2p: a.libp2p, logger: silentLogger() })
    await server.start()
    await mesh.connect(b, a)
    content = randomBytes(3.5 * 1024 * 1024)
    root = await unixfs(a.helia).addBytes(content)
    car = await collect(exportCar(a.helia, root))
  })

  afterAll(async () => {
    await server.stop()
    await mesh.stop()
  })

  it('should export a multi-block file as a CARv1 with the root first and import it verified', async () => {
    const target = await createTestMesh(1)
    try {
      const c = target.nodes[0] as MeshNode
      const result = await importCar(c.helia, replay(car), root)
      expect(result.blocks).toBe(5) // 4 leaves of <= 1 MiB + the dag-pb root
      expect(result.bytes).toBeGreaterThan(content.byteLength)
      expect((await readAll(c, root)).equals(content)).toBe(true)
    } finally {
      await target.stop()
    }
  })

  it('should pull a DAG over /artdag/car/1.0.0 and keep it locally', async () => {
    const result = await pullCar(b.helia, a.peerId, root, { timeoutMs: 5000 })
    expect(result.root.equals(root)).toBe(true)
    expect((await readAll(b, root)).equals(content)).toBe(true)
  })

  it('should reject a CAR with a corrupted block and not keep the root', async () => {
    const target = await createTestMesh(1)
    try {
      const c = target.nodes[0] as MeshNode
      const bytes = Buffer.from(join(car))
      const at = bytes.byteLength - 100 // inside the last leaf
      bytes[at] = (bytes[at] as number) ^ 0xff
      await expect(importCar(c.helia, replay([bytes]), root)).rejects.toThrow(/^CAR block bafkrei[a-z2-7]+ does not match its CID: sha2-256 of its \d+ bytes is [0-9a-f]{64}$/)
      await expect(importCar(c.helia, replay([bytes]), root)).rejects.toHaveProperty('name', 'CarBlockMismatchError')
      expect(await c.helia.blockstore.has(root)).toBe(false)
    } finally {
      await target.stop()
    }
  })

  it('should reject a truncated CAR stream and not keep the root', async () => {
    const target = await createTestMesh(1)
    try {
      const c = target.nodes[0] as MeshNode
      const bytes = join(car)
      const cut = bytes.subarray(0, bytes.byteLength - 10)
      await expect(importCar(c.helia, replay([cut]), root)).rejects.toThrow(/^CAR stream ended inside a section after \d+ bytes: /)
      // a clean cut between sections: the DAG is incomplete
      const lastLeafStart = bytes.byteLength - (car.at(-1) as Uint8Array).byteLength - (car.at(-2) as Uint8Array).byteLength
      await expect(importCar(c.helia, replay([bytes.subarray(0, lastLeafStart)]), root)).rejects
        .toThrow(`CAR stream ended before the DAG of ${root.toString()} was complete: 1 of 5 blocks missing`)
      expect(await c.helia.blockstore.has(root)).toBe(false)
    } finally {
      await target.stop()
    }
  })

  it('should reject a block that nothing received before links to', async () => {
    const stray = randomBytes(100)
    const strayCid = CID.createV1(raw.code, await sha256.digest(stray))
    const { encodeSection } = await import('../../../src/store/car/car-format.js')
    const target = await createTestMesh(1)
    try {
      const c = target.nodes[0] as MeshNode
      const chunks = [car[0] as Uint8Array, ...encodeSection(strayCid, stray), ...car.slice(1)]
      await expect(importCar(c.helia, replay(chunks), root)).rejects
        .toThrow(`CAR block ${strayCid.toString()} is not linked from any block received before it (root ${root.toString()})`)
      expect(await c.helia.blockstore.has(strayCid)).toBe(false)
    } finally {
      await target.stop()
    }
  })

  it('should reject a CAR whose root is not the expected one', async () => {
    const other = CID.createV1(raw.code, await sha256.digest(randomBytes(10)))
    await expect(importCar(b.helia, replay(car), other)).rejects
      .toThrow(`CAR roots are [${root.toString()}], expected exactly [${other.toString()}]`)
  })

  it('should reject CIDs with an unsupported hash or codec', async () => {
    const ident = CID.parse('bafkqaaa') // identity multihash
    await expect(importCar(b.helia, replay(car), ident)).rejects
      .toThrow('block bafkqaaa uses multihash 0x0; only sha2-256 is supported')
    const gitRaw = CID.createV1(0x78, await sha256.digest(randomBytes(4)))
    await expect(collect(exportCar(a.helia, gitRaw))).rejects.toThrow(`block ${gitRaw.toString()} uses codec 0x78; only raw, dag-pb, dag-cbor and dag-json are supported`)
  })

  it('should answer a request for a DAG the peer does not hold with CarRemoteError', async () => {
    const missing = CID.createV1(raw.code, await sha256.digest(randomBytes(10)))
    await expect(collect(fetchCar(b.libp2p, a.peerId, missing, { timeoutMs: 5000 }))).rejects
      .toThrow(`peer ${a.peerId} could not send ${missing.toString()}: block ${missing.toString()} is not in the local blockstore`)
  })

  it('should fail with CarTransferError when the peer stops mid-transfer and keep no root', async () => {
    const src = await createTestMesh(1)
    const dst = await createTestMesh(1)
    const s = src.nodes[0] as MeshNode
    const d = dst.nodes[0] as MeshNode
    const srv = createCarServer({ helia: s.helia, libp2p: s.libp2p, logger: silentLogger() })
    try {
      await srv.start()
      await dst.connect(d, s)
      const big = await unixfs(s.helia).addBytes(randomBytes(48 * 1024 * 1024))
      let received = 0
      let stopped = false
      const source = (async function * () {
        for await (const chunk of fetchCar(d.libp2p, s.peerId, big, { timeoutMs: 5000 })) {
          received += chunk.byteLength
          if (received > 2 * 1024 * 1024 && !stopped) {
            stopped = true
            await s.stop()
          }
          yield chunk
        }
      })()
      const err = await importCar(d.helia, source, big).catch((e: Error) => e)
      expect(err).toBeInstanceOf(Error)
      expect((err as Error).name).toMatch(/^(CarTransferError|CarTruncatedError)$/)
      expect(await d.helia.blockstore.has(big)).toBe(false)
    } finally {
      await srv.stop().catch(() => {})
      await src.stop()
      await dst.stop()
    }
  })

  it('should abort when passed an aborted signal', async () => {
    const signal = AbortSignal.abort()
    await expect(collect(exportCar(a.helia, root, { signal }))).rejects.toHaveProperty('name', 'AbortError')
    await expect(importCar(b.helia, replay(car), root, { signal })).rejects.toHaveProperty('name', 'AbortError')
    await expect(collect(fetchCar(b.libp2p, a.peerId, root, { signal }))).rejects.toHaveProperty('name', 'AbortError')
    await expect(pullCar(b.helia, a.peerId, root, { signal })).rejects.toHaveProperty('name', 'AbortError')
  })

  it('should abort a transfer in progress', async () => {
    const controller = new AbortController()
    let n = 0
    const source = (async function * () {
      for await (const chunk of fetchCar(b.libp2p, a.peerId, root, { signal: controller.signal })) {
        if (++n === 2) controller.abort()
        yield chunk
      }
    })()
    await expect(collect(source)).rejects.toHaveProperty('name', 'AbortError')
  })
})

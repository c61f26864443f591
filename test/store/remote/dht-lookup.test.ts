import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asCid } from '../../../src/dag/ids.js'
import { createCarServer, type CarServer } from '../../../src/store/car/index.js'
import { createContentStore } from '../../../src/store/index.js'
import { createRemoteFetcher } from '../../../src/store/remote/index.js'
import { silentLogger } from '../../../src/util/logger.js'
import { readAll } from '../../fixtures/helia.js'
import { createTestMesh, type TestMesh } from '../../sync/mesh-fixture.js'
import type { MeshNode } from '../../../src/mesh/index.js'

/** its own file: every connection of a process costs the private network's cipher memory that is never given back */
describe('remote fetcher and the LAN DHT', () => {
  let mesh: TestMesh
  let a: MeshNode
  let car: CarServer

  beforeAll(async () => {
    mesh = await createTestMesh(1)
    a = mesh.nodes[0] as MeshNode
    car = createCarServer({ helia: a.helia, libp2p: a.libp2p, logger: silentLogger() })
    await car.start()
  })

  afterAll(async () => {
    await car.stop()
    await mesh.stop()
  })

  async function addToA (bytes: number): Promise<{ cid: string, content: Buffer }> {
    const content = randomBytes(bytes)
    const { cid } = await createContentStore({ helia: a.helia, logger: silentLogger() }).addBytes(content)
    return { cid, content }
  }

  it('should find on the LAN DHT a holder it is not connected to, and pull from it', async () => {
    const b = await mesh.add()
    await mesh.connect(b, a)
    const c = await mesh.add()
    await mesh.connect(c, b)
    const { cid, content } = await addToA(200_000)
    // what the content store does for a file pinned whole, here again until the DHT (B) lists A for it:
    // a provide made before A's routing table holds B reaches no one
    const key = CID.parse(cid)
    await expect.poll(async () => {
      await a.libp2p.contentRouting.provide(key, { signal: AbortSignal.timeout(2_000) }).catch(() => {})
      for await (const p of c.libp2p.contentRouting.findProviders(key, { signal: AbortSignal.timeout(2_000) })) if (p.id.equals(a.libp2p.peerId)) return true
      return false
    }, { timeout: 30_000, interval: 200 }).toBe(true)
    // the DHT may have connected C to A meanwhile: cut that, so only B is a candidate
    await c.libp2p.hangUp(a.libp2p.peerId)
    expect(c.peers()).not.toContain(a.peerId)
    const fetcher = createRemoteFetcher({ helia: c.helia, peers: { peerUrl: async () => undefined, providersOf: () => [] }, logger: silentLogger() }, { timeoutMs: 5_000 })
    expect(await fetcher.fetch(cid)).toMatchObject({ path: 'libp2p', peer: a.peerId })
    const store = createContentStore({ helia: c.helia, logger: silentLogger() })
    expect(Buffer.from(await readAll(store.get(asCid(cid), { timeoutMs: 500 }))).equals(content)).toBe(true)
  })

})

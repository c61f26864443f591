import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { asCid } from '../../../src/dag/ids.js'
import { createCarServer, type CarServer } from '../../../src/store/car/index.js'
import { createContentStore } from '../../../src/store/index.js'
import { createRemoteFetcher, type PeerHints } from '../../../src/store/remote/index.js'
import { startDevHttp, type DevHttp } from '../../sync/dev-http.js'
import { silentLogger } from '../../../src/util/logger.js'
import { readAll } from '../../fixtures/helia.js'
import { createTestMesh, type TestMesh } from '../../sync/mesh-fixture.js'
import type { MeshNode } from '../../../src/mesh/index.js'

const ABSENT = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'

describe('remote fetcher (bulk path strategy)', () => {
  let mesh: TestMesh
  let a: MeshNode
  let http: DevHttp
  let car: CarServer
  /** peer id -> advertised URL, as sync would know it */
  const urls = new Map<string, string>()
  const hints: PeerHints = { peerUrl: async (peer) => urls.get(peer), providersOf: () => [] }

  beforeAll(async () => {
    mesh = await createTestMesh(1)
    a = mesh.nodes[0] as MeshNode
    http = await startDevHttp(a.helia)
    car = createCarServer({ helia: a.helia, libp2p: a.libp2p, logger: silentLogger() })
    await car.start()
  })

  afterAll(async () => {
    await car.stop()
    await http.close()
    await mesh.stop()
  })

  async function peerOfA (): Promise<MeshNode> {
    const b = await mesh.add()
    await mesh.connect(b, a)
    return b
  }

  async function addToA (bytes: number): Promise<{ cid: string, content: Buffer }> {
    const content = randomBytes(bytes)
    const { cid } = await createContentStore({ helia: a.helia, logger: silentLogger() }).addBytes(content)
    return { cid, content }
  }

  it('should fetch by HTTP CAR from a peer that advertises a URL, once for concurrent callers', async () => {
    const b = await peerOfA()
    urls.set(a.peerId, http.url)
    const { cid, content } = await addToA(3 * 1024 * 1024 + 10)
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: hints, logger: silentLogger() })
    const [first, second] = await Promise.all([fetcher.fetch(cid), fetcher.fetch(cid)])
    expect(first).toMatchObject({ path: 'http', peer: a.peerId, url: http.url, blocks: 5 })
    expect(second).toBe(first)
    expect(fetcher.stats).toEqual({ http: 1, libp2p: 0, failed: 0 })
    const store = createContentStore({ helia: b.helia, logger: silentLogger() })
    expect(Buffer.from(await readAll(store.get(asCid(cid), { timeoutMs: 500 }))).equals(content)).toBe(true)
  })

  it('should fall back to the libp2p CAR path when the URL is unknown or unreachable', async () => {
    const b = await peerOfA()
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: hints, logger: silentLogger() }, { timeoutMs: 2_000 })
    urls.delete(a.peerId)
    const one = await addToA(1024 * 1024 + 1)
    expect(await fetcher.fetch(one.cid)).toMatchObject({ path: 'libp2p', peer: a.peerId })
    urls.set(a.peerId, 'http://127.0.0.1:1') // nothing listens there
    const two = await addToA(1024 * 1024 + 2)
    expect(await fetcher.fetch(two.cid)).toMatchObject({ path: 'libp2p', peer: a.peerId })
    expect(fetcher.stats).toEqual({ http: 0, libp2p: 2, failed: 0 })
  })

  it('should ask the peer for a fresh URL once when the one it knew does not answer', async () => {
    const b = await peerOfA()
    const asked: boolean[] = []
    const stale: PeerHints = { peerUrl: async (_peer, o) => { asked.push(o?.fresh === true); return o?.fresh === true ? http.url : 'http://127.0.0.1:1' }, providersOf: () => [] }
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: stale, logger: silentLogger() })
    const { cid } = await addToA(1024 * 1024 + 4)
    expect(await fetcher.fetch(cid)).toMatchObject({ path: 'http', url: http.url })
    expect(asked).toEqual([false, true])
  })

  it('should answer not found with every reason listed when no peer has the DAG, and at once without peers', async () => {
    const b = await peerOfA()
    urls.set(a.peerId, http.url)
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: hints, logger: silentLogger() }, { timeoutMs: 2_000 })
    const err = await fetcher.fetch(ABSENT).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'ContentNotFoundError')
    // the peer said "not here" over HTTP, so the libp2p path does not ask it again
    expect((err as Error).message).toBe(`content ${ABSENT} is not held here, and none of the 1 peer(s) asked has it: http ${http.url} (peer ${a.peerId}): CarRemoteError: ${http.url} answered 404 for ${ABSENT}: ${ABSENT} is not in this node's store`)
    const alone = (await createTestMesh(1))
    try {
      const lonely = createRemoteFetcher({ helia: (alone.nodes[0] as MeshNode).helia, peers: hints, logger: silentLogger() })
      await expect(lonely.fetch(ABSENT)).rejects.toMatchObject({ name: 'ContentNotFoundError', message: `content ${ABSENT} is not held here, and no peer is connected or known to hold it` })
      expect(lonely.stats.failed).toBe(1)
    } finally {
      await alone.stop()
    }
  })

  it('should make the content store read a file it lacks from the pull, and answer not found as soon as the peer said no', async () => {
    const b = await peerOfA()
    urls.set(a.peerId, http.url)
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: hints, logger: silentLogger() })
    // a deadline far longer than the test: an absent CID must not wait for it
    const store = createContentStore({ helia: b.helia, logger: silentLogger(), remote: fetcher, fetchTimeoutMs: 600_000 })
    const { cid, content } = await addToA(2 * 1024 * 1024 + 3)
    expect((await store.stat(asCid(cid))).size).toBe(content.byteLength)
    expect(Buffer.from(await readAll(store.get(asCid(cid)))).equals(content)).toBe(true)
    await expect.poll(() => fetcher.stats.http).toBe(1)
    expect(await store.hasAll(asCid(cid))).toBe(true)
    const err = await readAll(store.get(asCid(ABSENT))).catch((e: Error) => e)
    expect(err).toHaveProperty('name', 'ContentNotFoundError')
    expect((err as Error).message).toBe(`content ${ABSENT} is not held here, and none of the 1 peer(s) asked has it: http ${http.url} (peer ${a.peerId}): CarRemoteError: ${http.url} answered 404 for ${ABSENT}: ${ABSENT} is not in this node's store`)
  })

  it('should abort when passed an aborted signal', async () => {
    const b = await peerOfA()
    const fetcher = createRemoteFetcher({ helia: b.helia, peers: hints, logger: silentLogger() })
    await expect(fetcher.fetch(ABSENT, { signal: AbortSignal.abort() })).rejects.toHaveProperty('name', 'AbortError')
  })
})

import { afterEach, describe, expect, it } from 'vitest'
import { createMeshNode, LAN_DHT_PROTOCOL, type MeshNode } from '../../src/mesh/index.js'
import { silentLogger } from '../../src/util/logger.js'
import { createContentStore } from '../../src/store/index.js'
import { readAll, tempDir, testBytes, removeDir } from '../fixtures/helia.js'
import { TEST_SWARM_KEY } from '../fixtures/swarm-key.js'

describe('mesh node', () => {
  const started: MeshNode[] = []
  const dirs: string[] = []
  async function node (dir?: string, extra: { bootstrap?: string[] } = {}): Promise<MeshNode> {
    const dataDir = dir ?? await tempDir('artdag-test-mesh-')
    if (!dirs.includes(dataDir)) dirs.push(dataDir)
    const n = await createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], swarmKey: TEST_SWARM_KEY, ...extra })
    started.push(n)
    return n
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map(async (n) => { await n.stop() }))
    await Promise.all(dirs.splice(0).map(async (d) => { await removeDir(d) }))
  })

  it('should listen on loopback only and speak the LAN DHT, gossipsub, fetch and bitswap, nothing public', async () => {
    const n = await node()
    expect(n.multiaddrs().length).toBeGreaterThan(0)
    for (const addr of n.multiaddrs()) expect(addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${n.peerId}$`))
    const protocols = n.libp2p.getProtocols()
    expect(protocols).toContain(LAN_DHT_PROTOCOL)
    expect(protocols).not.toContain('/ipfs/kad/1.0.0')
    expect(protocols.some((p) => p.startsWith('/meshsub/'))).toBe(true)
    expect(protocols.some((p) => p.startsWith('/ipfs/bitswap/'))).toBe(true)
    expect(protocols).toContain('/libp2p/fetch/0.0.1')
    expect(n.peers()).toEqual([])
    expect(n.helia.routing).toBeDefined()
  })

  it('should keep its PeerId across a restart on the same data dir', async () => {
    const dir = await tempDir('artdag-test-mesh-')
    const first = await node(dir)
    const id = first.peerId
    await first.stop()
    const second = await node(dir)
    expect(second.peerId).toBe(id)
    const other = await node()
    expect(other.peerId).not.toBe(id)
  })

  it('should keep content and PeerId with the LevelDB backend', async () => {
    const dataDir = await tempDir('artdag-test-mesh-')
    dirs.push(dataDir)
    const first = await createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], storeBackend: 'level' })
    started.push(first)
    const store = createContentStore({ helia: first.helia, dataDir, logger: silentLogger() })
    const bytes = testBytes(1.5 * 1024 * 1024, 3)
    const { cid } = await store.addBytes(bytes)
    await store.pin(cid, 'upload')
    const id = first.peerId
    await first.stop()
    const second = await createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], storeBackend: 'level' })
    started.push(second)
    const again = createContentStore({ helia: second.helia, dataDir, logger: silentLogger() })
    expect(second.peerId).toBe(id)
    expect(await again.pinReasons(cid)).toEqual(['upload'])
    expect(Buffer.compare(await readAll(again.get(cid)), bytes)).toBe(0)
    expect(await again.size()).toBeGreaterThan(0)
  })

  it('should dial a peer and report it connected', async () => {
    const a = await node()
    const b = await node()
    const addr = a.multiaddrs()[0] ?? ''
    expect(await b.dial(addr)).toBe(a.peerId)
    expect(b.peers()).toEqual([a.peerId])
  })

  it('should stop idempotently and refuse use after stop', async () => {
    const n = await node()
    await n.stop()
    await n.stop()
    expect(() => n.helia).toThrow('the mesh node is not started')
    await n.start()
    expect(n.peers()).toEqual([])
  })

  it('should name a bad multiaddr and a failed dial', async () => {
    const dataDir = await tempDir('artdag-test-mesh-')
    dirs.push(dataDir)
    await expect(createMeshNode({ dataDir, logger: silentLogger(), listen: ['not-an-addr'] }))
      .rejects.toThrow('listen address "not-an-addr" is not a valid multiaddr')
    await expect(createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: ['/nope/1'] }))
      .rejects.toThrow('bootstrap address "/nope/1" is not a valid multiaddr')
    await expect(createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], bootstrap: ['/ip4/127.0.0.1/tcp/4100'] }))
      .rejects.toThrow('bootstrap address "/ip4/127.0.0.1/tcp/4100" needs a valid /p2p/<peer id>')
    const n = await node()
    await expect(n.dial('garbage')).rejects.toThrow('peer address "garbage" is not a valid multiaddr')
    await expect(n.dial('/ip4/127.0.0.1/tcp/1')).rejects.toMatchObject({ name: 'DialFailedError' })
    await expect(n.dial('/ip4/127.0.0.1/tcp/1')).rejects.toThrow(/^could not dial \/ip4\/127\.0\.0\.1\/tcp\/1: /)
  })

  it('should start even when a bootstrap peer is down', async () => {
    const n = await node(undefined, { bootstrap: ['/ip4/127.0.0.1/tcp/1/p2p/12D3KooWLRPJAA5o6Z6nyctM9vQqD9FBkZbQ5z3XJkqhQR6cXNhX'] })
    expect(n.peers()).toEqual([])
  })

  it('should abort a dial when passed an aborted signal', async () => {
    const n = await node()
    await expect(n.dial('/ip4/127.0.0.1/tcp/1', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' })
  })
})

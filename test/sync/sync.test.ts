import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { testRedis } from '../fixtures/redis.js'
import { createTestMesh, waitFor, type TestMesh } from './mesh-fixture.js'
import { cacheIdFor, cidFor, heldCidFor, startSync, waitSubscribed, warmUp, type SyncNode } from './sync-fixture.js'
import { createRedisKeys } from '../../src/state/index.js'
import type { CacheId, Cid } from '../../src/dag/ids.js'
import type { MeshNode } from '../../src/mesh/index.js'

describe('sync', () => {
  let redis: Redis
  let mesh: TestMesh
  const syncs: SyncNode[] = []

  beforeAll(() => { redis = testRedis() })
  afterAll(async () => { await redis.quit() })
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map(async (s) => { await s.sync.stop() }))
    await mesh?.stop()
  })

  async function pair (init = {}): Promise<[SyncNode, SyncNode]> {
    mesh = await createTestMesh(2)
    const [ma, mb] = mesh.nodes as [MeshNode, MeshNode]
    await mesh.connect(mb, ma)
    const a = await startSync(ma, redis, init)
    const b = await startSync(mb, redis, init)
    syncs.push(a, b)
    await waitSubscribed(a, b)
    await waitSubscribed(b, a)
    return [a, b]
  }

  it('should make a step announced on A visible on B within 1 s by gossip', async () => {
    const [a, b] = await pair()
    await warmUp(a, b)
    const before = b.sync.status().gossipReceived
    const asked = b.sync.status().asked
    const latencies: number[] = []
    for (let i = 0; i < 5; i++) {
      const cacheId = cacheIdFor('gossip')
      const cid = await cidFor(`out-${i}`)
      const t0 = performance.now()
      const { recipients } = await a.sync.announce(cacheId, cid)
      expect(recipients).toBe(1)
      // the gossip itself, not a lookup that asks A (a miss would): the announcement reached B
      await waitFor(async () => b.sync.status().gossipReceived > before + i ? true : undefined, 1000, 'gossip on B')
      latencies.push(performance.now() - t0)
      expect(await b.sync.lookup(cacheId)).toEqual({ cid, peer: a.mesh.peerId })
      expect(b.sync.status().asked).toBe(asked)
    }
    expect(Math.max(...latencies)).toBeLessThan(1000)
    expect(b.sync.status().gossipReceived - before).toBe(5)
  })

  it('should publish a manifest chain that a peer resolves and merges, fetching only new batches later', async () => {
    const [a, b] = await pair()
    await waitFor(async () => a.sync.status().lastPublish, 5000, 'the publish at start')
    // one stored output behind every entry: a node lists only what it holds
    const output = await heldCidFor(a, 'bulk')
    const entries = Array.from({ length: 4100 }, () => [cacheIdFor('bulk'), output] as const)
    await Promise.all(entries.map(async ([cacheId, cid]) => { await a.index.set(cacheId, cid) }))
    const report = await a.sync.publishNow()
    expect(report).toMatchObject({ seq: 3, added: 4100, peers: 1, reached: true }) // 2000 + 2000 + 100
    const first = await b.sync.resolvePeer(a.mesh.peerId)
    expect(first).toMatchObject({ peer: a.mesh.peerId, manifest: report.manifest, seq: 3, merged: 4100 })
    const [someId, someCid] = entries[1234] as readonly [CacheId, Cid]
    expect(await b.sync.lookup(someId)).toEqual({ cid: someCid, peer: a.mesh.peerId })
    expect(await b.sync.hintSize()).toMatchObject({ entries: 4100 })

    const unchanged = await b.sync.resolvePeer(a.mesh.peerId)
    expect(unchanged).toMatchObject({ merged: 0, skipped: 'unchanged' })

    const late = cacheIdFor('late')
    await a.index.set(late, await heldCidFor(a, 'late'))
    const again = await a.sync.publishNow()
    expect(again).toMatchObject({ seq: 4, added: 1, reached: true })
    expect(a.sync.status()).toMatchObject({ seq: 4, count: 4101, pending: 0 })
    const second = await b.sync.resolvePeer(a.mesh.peerId)
    expect(second).toMatchObject({ seq: 4, merged: 1 })
  })

  it('should let a peer that was offline catch up through IPNS within interval + 5 s', async () => {
    const intervalMs = 1000
    const [a, b] = await pair({ intervalMs, publishDebounceMs: 50 })
    const bDir = mesh.dirs[1] as string
    const bKeys = b.keys
    const bPeer = b.mesh.peerId
    await b.sync.stop()
    await b.mesh.stop()
    syncs.splice(syncs.indexOf(b), 1)
    await waitFor(async () => a.mesh.peers().length === 0 ? true : undefined, 5000, 'A to see B gone')

    const missed = await Promise.all(Array.from({ length: 10 }, async (_, i) => [cacheIdFor('missed'), await heldCidFor(a, `missed-${i}`)] as const))
    for (const [cacheId, cid] of missed) await a.index.set(cacheId, cid)
    const lonely = await a.sync.publishNow()
    expect(lonely.reached).toBe(false)
    expect(lonely.error).toBe(`manifest ${lonely.manifest} (seq ${lonely.seq}) reached no peer: 0 connected`)
    expect(a.sync.status().publishUnreached).toBeGreaterThanOrEqual(1)

    const mb = await mesh.add({ dataDir: bDir })
    expect(mb.peerId).toBe(bPeer)
    const b2 = await startSync(mb, redis, { intervalMs, publishDebounceMs: 50 }, bKeys)
    syncs.push(b2)
    const t0 = performance.now()
    await mesh.connect(mb, a.mesh)
    const [lastId, lastCid] = missed[9] as readonly [CacheId, Cid]
    await waitFor(async () => await b2.sync.lookup(lastId), intervalMs + 5000, 'catch-up through IPNS')
    const catchUpMs = performance.now() - t0
    for (const [cacheId, cid] of missed) expect(await b2.sync.lookup(cacheId)).toEqual({ cid, peer: a.mesh.peerId })
    expect(catchUpMs).toBeLessThan(intervalMs + 5000)
    expect(lastCid).toBeDefined()
  })

  it('should keep clusters with different keys apart', async () => {
    mesh = await createTestMesh(3)
    const [ma, mb, mc] = mesh.nodes as [MeshNode, MeshNode, MeshNode]
    await mesh.connect(mb, ma)
    await mesh.connect(mc, ma)
    const a = await startSync(ma, redis, { clusterKey: 'studio-1' })
    const b = await startSync(mb, redis, { clusterKey: 'studio-1' })
    const c = await startSync(mc, redis, { clusterKey: 'studio-2' })
    syncs.push(a, b, c)
    expect(c.sync.topic).not.toBe(a.sync.topic)
    await waitSubscribed(a, b)
    await warmUp(a, b)
    const cacheId = cacheIdFor('cluster')
    const cid = await heldCidFor(a, 'cluster')
    await a.index.set(cacheId, cid)
    expect((await a.sync.announce(cacheId, cid)).recipients).toBe(1) // b only: c listens on another topic
    await waitFor(async () => await b.sync.lookup(cacheId), 1000, 'hint on B')
    await a.sync.publishNow()
    expect(await c.sync.resolvePeer(a.mesh.peerId)).toMatchObject({ merged: 0, skipped: 'foreign' })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(await c.sync.lookup(cacheId)).toBeUndefined()
    expect(c.sync.status().gossipReceived).toBe(0)
  })

  it('should drop garbage gossip and keep working', async () => {
    const [a, b] = await pair()
    await warmUp(b, a)
    const before = a.sync.status()
    const pubsub = b.mesh.libp2p.services.pubsub
    const good = { cacheId: cacheIdFor('garbage'), cid: await cidFor('garbage'), peer: b.mesh.peerId, seq: 1 }
    const bad = [
      new Uint8Array([0xff, 0xfe, 0x00]),
      new TextEncoder().encode('[1,2,3]'),
      new TextEncoder().encode(JSON.stringify({ ...good, cacheId: 'XYZ' })),
      new TextEncoder().encode(JSON.stringify({ ...good, cid: 'not-a-cid' })),
      new TextEncoder().encode(JSON.stringify({ ...good, peer: a.mesh.peerId })),
      new TextEncoder().encode(JSON.stringify({ ...good, seq: -1 })),
      new Uint8Array(5000)
    ]
    for (const data of bad) await pubsub.publish(a.sync.topic, data)
    await pubsub.publish(a.sync.topic, new TextEncoder().encode(JSON.stringify(good)))
    await waitFor(async () => await a.sync.lookup(good.cacheId), 1000, 'the valid announcement')
    expect(a.sync.status()).toMatchObject({ gossipRejected: before.gossipRejected + bad.length, gossipReceived: before.gossipReceived + 1 })
  })

  it('should throw named errors for bad config, bad announcements and use before start', async () => {
    mesh = await createTestMesh(1)
    const m = mesh.nodes[0] as MeshNode
    await expect(startSync(m, redis, { clusterKey: ' ' })).rejects.toThrow('sync clusterKey must be a non-empty string')
    await expect(startSync(m, redis, { intervalMs: 0 })).rejects.toThrow('sync intervalMs must be a positive number of ms, got 0')
    await expect(startSync(m, redis, { announceTopic: '' })).rejects.toThrow('sync announceTopic must be a non-empty string')
    const off = await startSync(m, redis, { enabled: false })
    await expect(off.sync.announce(cacheIdFor('x'), await cidFor('x'))).rejects.toThrow('state sync is not started')
    const on = await startSync(m, redis)
    syncs.push(on)
    await expect(on.sync.announce('abc' as never, await cidFor('x'))).rejects
      .toThrow('cannot announce: "abc" is not a valid cache id (64 lowercase hex characters)')
    await expect(on.sync.announce(cacheIdFor('x'), 'nope' as never)).rejects.toThrow('cannot announce: "nope" is not a valid CID')
    const lonely = await on.sync.publishNow()
    expect(lonely).toMatchObject({ reached: false, peers: 0, error: `manifest ${lonely.manifest} (seq 0) reached no peer: 0 connected` })
  })

  it('should abort when passed an aborted signal', async () => {
    const [a, b] = await pair()
    const signal = AbortSignal.abort()
    await expect(a.sync.announce(cacheIdFor('abort'), await cidFor('abort'), { signal })).rejects.toHaveProperty('name', 'AbortError')
    await expect(a.sync.publishNow({ signal })).rejects.toHaveProperty('name', 'AbortError')
    await expect(a.sync.resolvePeer(b.mesh.peerId, { signal })).rejects.toHaveProperty('name', 'AbortError')
    await expect(a.sync.resolveAll({ signal })).rejects.toHaveProperty('name', 'AbortError')
  })

  it('should keep per-peer cursors in the sync hash', async () => {
    const [a, b] = await pair()
    await a.index.set(cacheIdFor('cursor'), await heldCidFor(a, 'cursor'))
    const report = await a.sync.publishNow()
    await b.sync.resolvePeer(a.mesh.peerId)
    const keys = createRedisKeys(b.keys.prefix)
    expect(JSON.parse(await redis.hget(keys.sync(), `peer:${a.mesh.peerId}`) ?? 'null')).toEqual({ seq: 1, manifest: report.manifest })
    expect(JSON.parse(await redis.hget(a.keys.sync(), 'own') ?? 'null')).toEqual({ seq: 1, count: 1, manifest: report.manifest })
  })
})

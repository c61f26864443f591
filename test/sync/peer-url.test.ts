import type { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { asCid } from '../../src/dag/ids.js'
import { parseManifest } from '../../src/sync/index.js'
import { testRedis } from '../fixtures/redis.js'
import { createTestMesh, waitFor, type TestMesh } from './mesh-fixture.js'
import { cacheIdFor, cidFor, startSync, waitSubscribed, warmUp, type SyncNode } from './sync-fixture.js'
import type { MeshNode } from '../../src/mesh/index.js'

describe('sync: advertised HTTP URLs', () => {
  let redis: Redis
  let mesh: TestMesh
  const syncs: SyncNode[] = []

  beforeAll(() => { redis = testRedis() })
  afterAll(async () => { await redis.quit() })
  afterEach(async () => {
    await Promise.all(syncs.splice(0).map(async (s) => { await s.sync.stop() }))
    await mesh?.stop()
  })

  async function pair (urlOfA: () => string | undefined): Promise<[SyncNode, SyncNode]> {
    mesh = await createTestMesh(2)
    const [ma, mb] = mesh.nodes as [MeshNode, MeshNode]
    await mesh.connect(mb, ma)
    const a = await startSync(ma, redis, { httpUrl: urlOfA })
    const b = await startSync(mb, redis)
    syncs.push(a, b)
    await waitSubscribed(a, b)
    await waitSubscribed(b, a)
    return [a, b]
  }

  it('should tell a peer the URL over libp2p fetch, and answer nothing for a node without one', async () => {
    const [a, b] = await pair(() => 'http://127.0.0.1:8123')
    expect(await b.sync.peerUrl(a.mesh.peerId)).toBe('http://127.0.0.1:8123')
    expect(await a.sync.peerUrl(b.mesh.peerId)).toBeUndefined()
  })

  it('should carry the URL in the manifest (rewritten when it changes) and in announcements', async () => {
    let url = 'http://127.0.0.1:8124'
    const [a, b] = await pair(() => url)
    const first = await a.sync.publishNow()
    expect(parseManifest(await a.store.getJson(asCid(first.manifest ?? '')), 'm').url).toBe(url)
    url = 'http://127.0.0.1:9999'
    const second = await a.sync.publishNow()
    expect(second.manifest).not.toBe(first.manifest)
    expect(parseManifest(await a.store.getJson(asCid(second.manifest ?? '')), 'm').url).toBe(url)
    const report = await b.sync.resolvePeer(a.mesh.peerId)
    expect(report.url).toBe(url)
    expect(await b.sync.peerUrl(a.mesh.peerId)).toBe(url)

    // gossip: the holder of a CID and its URL arrive with the announcement
    await warmUp(a, b)
    url = 'http://127.0.0.1:7777'
    const cacheId = cacheIdFor('url')
    const cid = await cidFor('url-out')
    await a.sync.announce(cacheId, cid)
    await waitFor(async () => await b.sync.lookup(cacheId), 2000, 'announcement on B')
    expect(b.sync.providersOf(cid)).toEqual([a.mesh.peerId])
    expect(await b.sync.peerUrl(a.mesh.peerId)).toBe(url)
  })
})

import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, startPeerProcess, type PeerProcess } from './process-fixture.js'
import type { SyncStatus } from '../../src/sync/index.js'

const cacheId = (): string => randomBytes(32).toString('hex')

/** `from` resolves `peer` once; a first try may time out while the new connection's protocols come up on a busy machine */
async function resolveOnce (from: PeerProcess, peer: PeerProcess): Promise<{ fetches: number, snapshot?: string, seq: number }> {
  const deadline = Date.now() + 60_000
  for (;;) {
    try {
      return await from.call('resolve', { peer: peer.peerId })
    } catch (err) {
      if (Date.now() > deadline) throw err
    }
  }
}
interface Link { '/': string }
interface ManifestJson { seq: number, snapshot: Link | null, tail: Link[] }

/** three dev peers: A publishes, C joins late, B keeps a tiny hint index */
describe('sync at scale, across processes', () => {
  let a: PeerProcess
  let b: PeerProcess
  let c: PeerProcess

  beforeAll(async () => {
    ensureBuilt()
    ;[a, b, c] = await Promise.all([
      startPeerProcess({ intervalMs: 60_000, compactAfterBatches: 2 }),
      startPeerProcess({ intervalMs: 60_000, hintMaxEntries: 2 }),
      startPeerProcess({ intervalMs: 60_000 })
    ])
  }, 180_000)

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), c?.stop()])
  })

  /** A holds a fresh output and lists it under a new cache id in one publish (one batch) */
  async function publishOne (): Promise<{ cacheId: string, cid: string }> {
    const entry = { cacheId: cacheId(), cid: await a.call<string>('addRandom', { bytes: 64 }) }
    await a.call('setLocal', entry)
    await a.call('publish')
    return entry
  }

  it('should fold its batches into a snapshot, unpin them and let the collector remove them', async () => {
    const first = await publishOne()
    const before = await a.call<ManifestJson>('manifest')
    const firstBatch = before.tail[0]?.['/'] as string
    expect(await a.call('hasBlock', { cid: firstBatch })).toBe(true)
    await publishOne()
    await publishOne() // a third batch does not fit a tail of 2: the publish compacts
    const after = await a.call<ManifestJson>('manifest')
    expect(after.snapshot).not.toBeNull()
    expect(after.tail).toEqual([])
    expect((await a.call<SyncStatus>('status')).compactions).toBe(1)
    await a.call('gc')
    expect(await a.call('hasBlock', { cid: firstBatch })).toBe(false)
    expect(await a.call('hasBlock', { cid: after.snapshot?.['/'] })).toBe(true)
    // the first entry lives on in the snapshot: a peer asking for it is answered
    await b.call('dial', { addr: a.addrs[0] })
    expect(await b.call('lookup', { cacheId: first.cacheId })).toEqual({ cid: first.cid, peer: a.peerId })
  })

  it('should let a node that joins late catch up from the snapshot in a constant number of fetches', async () => {
    const entries = []
    for (let i = 0; i < 9; i++) entries.push(await publishOne()) // 12 batches in A's history
    const manifest = await a.call<ManifestJson>('manifest')
    await c.call('dial', { addr: a.addrs[0] })
    const report = await resolveOnce(c, a)
    expect(report.seq).toBe(manifest.seq)
    expect(report.snapshot).toBe(manifest.snapshot?.['/'])
    // the manifest plus at most the tail (at most 2 batches here), however long A's history
    expect(report.fetches).toBe(1 + manifest.tail.length)
    expect(report.fetches).toBeLessThanOrEqual(3)
    // entries of the snapshot are asked for when needed
    for (const e of entries.slice(0, 3)) expect(await c.call('lookup', { cacheId: e.cacheId })).toEqual({ cid: e.cid, peer: a.peerId })
    expect(await c.call('lookup', { cacheId: cacheId() })).toBeNull()
  })

  it('should stay correct when a tiny hint limit evicts what it learned', async () => {
    await b.call('dial', { addr: a.addrs[0] })
    const entries = []
    for (let i = 0; i < 5; i++) entries.push(await publishOne())
    await resolveOnce(b, a)
    const size = await b.call<{ entries: number }>('hintSize')
    expect(size.entries).toBeLessThanOrEqual(2)
    expect((await b.call<SyncStatus>('status')).hintsEvicted).toBeGreaterThan(0)
    // every entry is still found, evicted or not: a miss asks A
    for (const e of entries) expect(await b.call('lookup', { cacheId: e.cacheId })).toEqual({ cid: e.cid, peer: a.peerId })
    expect((await b.call<SyncStatus>('status')).askedFound).toBeGreaterThan(0)
    expect((await b.call<{ entries: number }>('hintSize')).entries).toBeLessThanOrEqual(2)
  })
})

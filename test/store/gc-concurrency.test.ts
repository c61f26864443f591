import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { exportCar, importCar } from '../../src/store/car/index.js'
import { localBlockstore } from '../../src/store/local-blockstore.js'
import { PullBlocks } from '../../src/store/remote/pull-blocks.js'
import { readAll, startTestNode, testBytes, type TestNode } from '../fixtures/helia.js'
import type { Cid } from '../../src/dag/ids.js'

const MiB = 1024 * 1024

interface Gate { reached: Promise<void>, release: () => void }

function gate (): Gate & { arrive: () => void, wait: Promise<void> } {
  let arrive!: () => void
  let release!: () => void
  const reached = new Promise<void>((resolve) => { arrive = resolve })
  const wait = new Promise<void>((resolve) => { release = resolve })
  return { reached, release, arrive, wait }
}

async function leafCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(0x55, await sha256.digest(bytes))
}

async function expectWhole (t: TestNode, cid: Cid, bytes: Uint8Array): Promise<void> {
  expect(await t.store.hasAll(cid)).toBe(true)
  expect(Buffer.compare(await readAll(t.store.get(cid, { timeoutMs: 500 })), bytes)).toBe(0)
}

/** the next collection stops in its mark, right after it read the first pinned root, until released */
function pauseMark (t: TestNode): Gate {
  const datastore = t.helia().datastore
  const queryKeys = datastore.queryKeys.bind(datastore)
  const g = gate()
  datastore.queryKeys = async function * (...args: Parameters<typeof queryKeys>) {
    let first = true
    for await (const key of queryKeys(...args)) {
      yield key
      if (first && key.toString().startsWith('/artdag/pin-reasons')) {
        first = false
        datastore.queryKeys = queryKeys
        g.arrive()
        await g.wait
      }
    }
  }
  return g
}

describe('the collector with work in flight', () => {
  let t: TestNode
  beforeEach(async () => { t = await startTestNode({ store: { fetchTimeoutMs: 60_000 } }) })
  afterEach(async () => { await t.cleanup() })

  it('should keep the blocks of a pin made while it marks', async () => {
    const kept = await t.store.addBytes(testBytes(1.5 * MiB, 11))
    await t.store.pin(kept.cid, 'cache')
    const bytes = testBytes(1.5 * MiB, 12)
    const late = await t.store.addBytes(bytes)
    const paused = pauseMark(t)
    const pass = t.store.gc()
    await paused.reached
    await t.store.pin(late.cid, 'upload')
    paused.release()
    expect((await pass).removed).toBe(0)
    await expectWhole(t, late.cid, bytes)
  })

  it('should keep an add in progress and an added root until it is pinned; without a hold it goes', async () => {
    const bytes = testBytes(12.5 * MiB, 13)
    const more = gate()
    const hold = t.store.hold()
    const adding = t.store.addStream((async function * () {
      // the importer writes leaves in batches of ten
      for (let at = 0; at < 11 * MiB; at += MiB) yield bytes.subarray(at, at + MiB)
      await more.wait
      yield bytes.subarray(11 * MiB)
    })(), { hold })
    const firstLeaf = await leafCid(bytes.subarray(0, MiB))
    const until = Date.now() + 5_000
    while (!await t.helia().blockstore.has(firstLeaf)) {
      if (Date.now() > until) throw new Error('the add wrote no leaf')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect((await t.store.gc()).removed).toBe(0)
    more.release()
    const added = await adding
    // added, not pinned yet: the hold keeps it, and a record written under the same hold that links to it
    const record = await t.store.putJson({ output: CID.parse(added.cid) }, { hold })
    expect((await t.store.gc()).removed).toBe(0)
    await expectWhole(t, added.cid, bytes)
    await t.store.pin(record, 'provenance')
    hold.release()
    expect((await t.store.gc()).removed).toBe(0)
    await expectWhole(t, added.cid, bytes)

    const unheld = await t.store.addBytes(testBytes(1.5 * MiB, 14))
    expect((await t.store.gc()).removed).toBe(3)
    expect(await t.store.has(unheld.cid)).toBe(false)
  })

  it('should not hang on a block that vanishes while it marks', async () => {
    const file = await t.store.addBytes(testBytes(1.5 * MiB, 15))
    const record = await t.store.putJson({ outputs: [CID.parse(file.cid)] }, { pin: 'provenance' })
    // the file's root goes just as the collector reads it (after anything that checked it was there)
    const local = localBlockstore(t.helia().blockstore)
    const get = local.get.bind(local)
    const root = CID.parse(file.cid)
    local.get = async function * (cid, options) {
      if (cid.equals(root)) await local.delete(cid)
      yield * get(cid, options)
    }
    const started = Date.now()
    await t.store.gc()
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(await t.store.getJson(record)).toEqual({ outputs: [root] })
  })

  it('should write a block again after the batch deleting it, not before', async () => {
    const bytes = testBytes(1000, 16)
    const { cid } = await t.store.addBytes(bytes)
    const local = localBlockstore(t.helia().blockstore)
    const del = local.delete.bind(local)
    const deleting = gate()
    local.delete = async (c, options) => {
      deleting.arrive()
      await deleting.wait
      await del(c, options)
    }
    const pass = t.store.gc()
    await deleting.reached
    // the same bytes are uploaded while the collector is deleting their block
    const hold = t.store.hold()
    const again = t.store.addBytes(bytes, { hold })
    await new Promise((resolve) => setTimeout(resolve, 50))
    deleting.release()
    expect((await pass).removed).toBe(1)
    expect((await again).cid).toBe(cid)
    await t.store.pin(cid, 'upload')
    hold.release()
    await expectWhole(t, cid, bytes)
  })

  it('should run one pass at a time and share one queued pass among requests made meanwhile', async () => {
    const local = localBlockstore(t.helia().blockstore)
    const getAll = local.getAll.bind(local)
    let passes = 0
    local.getAll = (options) => { passes++; return getAll(options) }
    const first = await t.store.addBytes(testBytes(1000, 17))
    await t.store.pin(first.cid, 'upload')
    const paused = pauseMark(t)
    const running = t.store.gc()
    await paused.reached
    // unpinned while a pass runs: the queued pass (which starts after it) removes it
    await t.store.unpin(first.cid, 'upload')
    const queued = Array.from({ length: 5 }, async () => await t.store.gc())
    paused.release()
    expect((await running).removed).toBe(0)
    expect((await Promise.all(queued)).map((r) => r.removed)).toEqual([1, 1, 1, 1, 1])
    expect(passes).toBe(2)
    expect(await t.store.has(first.cid)).toBe(false)
  })

  it('should abort a running pass when the store stops, and refuse new ones', async () => {
    await t.store.pin((await t.store.addBytes(testBytes(1000, 18))).cid, 'upload')
    const paused = pauseMark(t)
    const pass = t.store.gc()
    await paused.reached
    const stopping = t.store.stop()
    paused.release()
    await stopping
    await expect(pass).rejects.toMatchObject({ name: 'StoreStoppedError' })
    await expect(t.store.gc()).rejects.toMatchObject({ name: 'StoreStoppedError' })
  })

  it('should keep the blocks a pull has written while it pulls, and the DAG once it is pinned', async () => {
    const peer = await startTestNode()
    try {
      const bytes = testBytes(3.5 * MiB, 19)
      const { cid } = await peer.store.addBytes(bytes)
      const chunks: Uint8Array[] = []
      for await (const chunk of exportCar(peer.helia(), CID.parse(cid))) chunks.push(chunk)
      const half = gate()
      // a pull whose stream stops half-way until released
      const pulling = await startTestNode({
        store: {
          remote: {
            running: () => undefined,
            provide: () => {},
            open: (root, options) => {
              const blocks = new PullBlocks(CID.parse(root))
              const done = importCar({ blockstore: pulling.helia().blockstore }, (async function * () {
                for (const [i, chunk] of chunks.entries()) {
                  if (i === Math.ceil(chunks.length / 2)) {
                    half.arrive()
                    await half.wait
                  }
                  yield chunk
                }
              })(), root, {
                ...(options?.inflight != null ? { inflight: options.inflight } : {}),
                onVerified: (c, b) => { blocks.verified(c, b) },
                onWritten: (c) => { blocks.written(c) }
              })
              done.then(() => { blocks.end() }, (err: Error) => { blocks.end(err) })
              return {
                done: done.then((r) => ({ path: 'libp2p' as const, peer: 'the test', blocks: r.blocks, bytes: r.bytes, ms: 0 })),
                block: async (c, read, signal) => await blocks.block(c, read, signal)
              }
            }
          }
        }
      })
      try {
        const pinning = pulling.store.pin(cid, 'cache')
        await half.reached
        const firstLeaf = await leafCid(bytes.subarray(0, MiB))
        const until = Date.now() + 5_000
        while (!await pulling.helia().blockstore.has(firstLeaf)) {
          if (Date.now() > until) throw new Error('the pull wrote no leaf')
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        expect((await pulling.store.gc()).removed).toBe(0)
        half.release()
        await pinning
        expect((await pulling.store.gc()).removed).toBe(0)
        await expectWhole(pulling, cid, bytes)
      } finally {
        await pulling.cleanup()
      }
    } finally {
      await peer.cleanup()
    }
  })

  it('should stop waiting when passed an aborted signal', async () => {
    await expect(t.store.gc({ signal: AbortSignal.abort(new Error('stop now')) })).rejects.toThrow('stop now')
  })
})

import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { FsBlockstore } from 'blockstore-fs'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BufferPool } from '../../../src/store/car/buffer-pool.js'
import { encodeHeader, encodeSection } from '../../../src/store/car/car-format.js'
import { importCar, type CarBlockSink } from '../../../src/store/car/index.js'
import { WriteWindow } from '../../../src/store/car/write-window.js'

const KiB = 1024

async function leaf (bytes: Uint8Array): Promise<{ cid: CID, bytes: Uint8Array }> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** a dag-pb root over raw leaves of the given sizes, as a CAR cut into 64 KiB chunks */
async function carOf (sizes: number[]): Promise<{ root: CID, leaves: Array<{ cid: CID, bytes: Uint8Array }>, chunks: Uint8Array[] }> {
  const leaves = await Promise.all(sizes.map(async (n) => await leaf(randomBytes(n))))
  const node = dagPb.prepare({ Links: leaves.map((l) => ({ Hash: l.cid, Tsize: l.bytes.byteLength })) })
  const rootBytes = dagPb.encode(node)
  const root = CID.createV1(dagPb.code, await sha256.digest(rootBytes))
  const whole = Buffer.concat([encodeHeader(root), ...encodeSection(root, rootBytes), ...leaves.flatMap((l) => encodeSection(l.cid, l.bytes))])
  const chunks: Uint8Array[] = []
  for (let at = 0; at < whole.byteLength; at += 64 * KiB) chunks.push(whole.subarray(at, at + 64 * KiB))
  return { root, leaves, chunks }
}

async function * replay (chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

describe('BufferPool', () => {
  it('should hand back the memory it was given, sized to each take, and ignore memory it did not make', () => {
    const pool = new BufferPool(1024, 2)
    const first = pool.take(1000)
    first.fill(7)
    pool.give(first.subarray(10))
    expect(pool.idle).toBe(1)
    const second = pool.take(100)
    expect(second.buffer).toBe(first.buffer)
    expect(second.byteLength).toBe(100)
    pool.give(new Uint8Array(1024))
    pool.give(Buffer.alloc(10))
    expect(pool.idle).toBe(0)
    const big = pool.take(4096)
    expect(big.byteLength).toBe(4096)
    pool.give(big)
    expect(pool.idle).toBe(0)
  })

  it('should keep at most maxFree buffers and never the same one twice', () => {
    const pool = new BufferPool(16, 2)
    const taken = [pool.take(16), pool.take(16), pool.take(16)]
    for (const t of taken) pool.give(t)
    pool.give(taken[0] as Uint8Array)
    expect(pool.idle).toBe(2)
  })
})

describe('WriteWindow', () => {
  it('should keep at most `concurrency` writes and `maxBytes` bytes in flight', async () => {
    let running = 0
    let most = 0
    /** a 5 ms write that records how many run at once */
    const slowWrite = async (): Promise<void> => {
      running++
      most = Math.max(most, running)
      await new Promise((resolve) => setTimeout(resolve, 5))
      running--
    }
    const window = new WriteWindow(slowWrite, { concurrency: 3, maxBytes: 1000 })
    const cid = (await leaf(new Uint8Array(1))).cid
    for (let i = 0; i < 10; i++) await window.add(cid, new Uint8Array(100))
    await window.drain()
    expect(most).toBe(3)
    const bytesBound = new WriteWindow(slowWrite, { concurrency: 8, maxBytes: 250 })
    most = 0
    for (let i = 0; i < 6; i++) await bytesBound.add(cid, new Uint8Array(100))
    await bytesBound.drain()
    expect(most).toBe(2)
  })

  it('should throw the first failure from add or drain, and settle only when every write is done', async () => {
    let running = 0
    const window = new WriteWindow(async (_cid, bytes) => {
      running++
      await new Promise((resolve) => setTimeout(resolve, bytes.byteLength))
      running--
      if (bytes.byteLength === 1) throw new Error('disk full')
    }, { concurrency: 4, maxBytes: 1_000_000 })
    const cid = (await leaf(new Uint8Array(1))).cid
    await window.add(cid, new Uint8Array(1))
    await window.add(cid, new Uint8Array(30))
    await expect(window.drain()).rejects.toThrow('disk full')
    expect(running).toBe(0)
    await expect(window.add(cid, new Uint8Array(5))).rejects.toThrow('disk full')
    await window.settle()
  })
})

describe('importCar over a filesystem blockstore (concurrent writes)', () => {
  let dir: string
  let store: FsBlockstore

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-car-window-'))
    store = new FsBlockstore(join(dir, 'blocks'))
    await store.open()
  })

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('should store every block with exactly its own bytes of any size', async () => {
    // 20 blocks of four sizes, more than the write window holds at once
    const sizes = Array.from({ length: 20 }, (_, i) => [1024 * KiB, 300 * KiB, 1000 * KiB + 7, 90 * KiB][i % 4] as number)
    const { root, leaves, chunks } = await carOf(sizes)
    const result = await importCar({ blockstore: store as unknown as CarBlockSink['blockstore'] }, replay(chunks), root)
    expect(result.blocks).toBe(21)
    for (const l of leaves) {
      const parts: Uint8Array[] = []
      for await (const p of store.get(l.cid)) parts.push(p)
      const stored = Buffer.concat(parts)
      expect(stored.byteLength).toBe(l.bytes.byteLength)
      expect(sha(stored)).toBe(sha(l.bytes))
    }
    expect(await store.has(root)).toBe(true)
  })

  it('should fail with the write error, with no write still running and no root stored', async () => {
    const { root, leaves, chunks } = await carOf(Array.from({ length: 12 }, () => 256 * KiB))
    const failing = leaves[5]?.cid as CID
    let running = 0
    let runningAtEnd = -1
    const sink = {
      path: store.path,
      // the write window recognises a filesystem blockstore by these two fields (src/store/car/fs-blockstore.ts)
      shardingStrategy: (store as unknown as { shardingStrategy: unknown }).shardingStrategy,
      put: async (cid: CID, bytes: Uint8Array) => {
        running++
        try {
          await new Promise((resolve) => setTimeout(resolve, 10))
          if (cid.equals(failing)) throw new Error('EIO: the disk went away')
          return await store.put(cid, bytes)
        } finally {
          running--
        }
      }
    }
    await expect(importCar({ blockstore: sink as unknown as CarBlockSink['blockstore'] }, replay(chunks), root).finally(() => { runningAtEnd = running }))
      .rejects.toThrow('EIO: the disk went away')
    expect(runningAtEnd).toBe(0)
    expect(await store.has(root)).toBe(false)
    const shards = await readdir(join(dir, 'blocks'))
    expect(shards.length).toBeGreaterThan(0)
  })
})

import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { readAll, startTestNode, testBytes, type TestNode } from '../fixtures/helia.js'

const MiB = 1024 * 1024

async function leafCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(0x55, await sha256.digest(bytes))
}

/** the block file on disk whose bytes are exactly `bytes` */
async function blockFile (dir: string, bytes: Uint8Array): Promise<string> {
  const root = join(dir, 'helia', 'blocks')
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    if (Buffer.compare(await readFile(path), bytes) === 0) return path
  }
  throw new Error('block file not found')
}

describe('content store quota', () => {
  let t: TestNode | undefined
  afterEach(async () => { await t?.cleanup() })

  it('should refuse an add past maxBytes and leave nothing of it behind', async () => {
    t = await startTestNode({ store: { maxBytes: 2 * MiB } })
    const first = testBytes(MiB, 1)
    await t.store.addBytes(first)
    const before = await t.store.size()
    const big = Buffer.concat([first, testBytes(1.5 * MiB, 2)])
    await expect(t.store.addBytes(big)).rejects.toThrow('the store is full: adding this content would exceed its quota of 2097152 bytes')
    await expect(t.store.addBytes(big)).rejects.toMatchObject({ name: 'StoreFullError' })
    expect(await t.store.size()).toBe(before)
    // the shared first leaf existed before and stays; the new leaves are gone
    expect(await t.helia().blockstore.has(await leafCid(first))).toBe(true)
    expect(await t.helia().blockstore.has(await leafCid(big.subarray(MiB, 2 * MiB)))).toBe(false)
    // what fits still goes in
    await t.store.addBytes(testBytes(500_000, 3))
  })

  it('should remove the blocks of an add whose source fails half-way', async () => {
    t = await startTestNode()
    const before = await t.store.size()
    const part = testBytes(2 * MiB, 4)
    await expect(t.store.addStream((async function * () {
      yield part
      throw new Error('source broke')
    })())).rejects.toThrow('source broke')
    expect(await t.store.size()).toBe(before)
    expect(await t.helia().blockstore.has(await leafCid(part.subarray(0, MiB)))).toBe(false)
  })

  it('should not go on calling a file whole (stat) after a failed add deleted a block it shares', async () => {
    t = await startTestNode()
    const helia = t.helia()
    const leaf = testBytes(MiB, 5)
    const leafId = await leafCid(leaf)
    let breakSource = (): void => {}
    const broken = new Promise<void>((resolve) => { breakSource = resolve })
    // the failing add writes the leaf, then waits; meanwhile a file that starts with the same leaf is added whole
    const failing = t.store.addStream((async function * () {
      yield leaf
      // the importer writes leaves ten at a time: nine more send the first batch to disk
      const filler = testBytes(MiB, 6)
      for (let i = 0; i < 9; i++) yield filler
      await broken
      throw new Error('source broke')
    })())
    failing.catch(() => {})
    const deadline = Date.now() + 10_000
    while (!await helia.blockstore.has(leafId) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    const sharing = await t.store.addBytes(Buffer.concat([leaf, testBytes(100, 20)]))
    expect(await t.store.stat(sharing.cid)).toEqual({ cid: sharing.cid, size: MiB + 100, local: true })
    breakSource()
    await expect(failing).rejects.toThrow('source broke')
    // the leaf went with the failed add (its root block stays): the store must not answer from what it remembered
    expect(await helia.blockstore.has(leafId)).toBe(false)
    expect(await t.store.stat(sharing.cid)).toEqual({ cid: sharing.cid, size: MiB + 100, local: false })
  })
})

describe('content store corruption', () => {
  let t: TestNode | undefined
  afterEach(async () => { await t?.cleanup() })

  it('should refuse to serve a block whose bytes no longer match its CID', async () => {
    t = await startTestNode()
    const bytes = testBytes(2.5 * MiB, 5)
    const { cid } = await t.store.addBytes(bytes)
    expect((await t.store.stat(cid)).local).toBe(true)
    const second = bytes.subarray(MiB, 2 * MiB)
    const file = await blockFile(t.dir, second)
    const damaged = Buffer.from(second)
    damaged[1234] = (damaged[1234] ?? 0) ^ 0xff
    await writeFile(file, damaged)
    const served: Uint8Array[] = []
    const leaf = (await leafCid(second)).toString()
    await expect((async () => { for await (const c of t.store.get(cid)) served.push(c) })())
      .rejects.toThrow(`block ${leaf} is corrupt: its bytes do not match its CID`)
    // only the intact first block was served
    expect(Buffer.concat(served).length).toBeLessThanOrEqual(MiB)
    expect(Buffer.compare(Buffer.concat(served), bytes.subarray(0, Buffer.concat(served).length))).toBe(0)
    // the damaged block was dropped: the content is now incomplete (peers may have it), never wrong
    expect(await t.helia().blockstore.has(await leafCid(second))).toBe(false)
    // what the store remembered of the whole file is forgotten with the block
    expect((await t.store.stat(cid)).local).toBe(false)
    await expect(t.store.exportToFile(cid, join(t.dir, 'out.bin'), { timeoutMs: 300 })).rejects.toMatchObject({ name: 'FetchTimeoutError' })
    expect(await readdir(t.dir)).not.toContain('out.bin')
  })

  it('should detect a damaged single-block file and DAG-JSON record', async () => {
    t = await startTestNode()
    const small = testBytes(5000, 6)
    const { cid } = await t.store.addBytes(small)
    await writeFile(await blockFile(t.dir, small), Buffer.concat([small, Buffer.from('x')]))
    await expect(readAll(t.store.get(cid))).rejects.toThrow(`block ${cid} is corrupt: its bytes do not match its CID`)
    const json = await t.store.putJson({ hello: 'world' })
    await writeFile(await blockFile(t.dir, Buffer.from('{"hello":"world"}')), '{"hello":"wOrld"}')
    await expect(t.store.getJson(json)).rejects.toMatchObject({ name: 'CorruptContentError' })
  })
})

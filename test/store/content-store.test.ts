import { createHash } from 'node:crypto'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readAll, startTestNode, testBytes, type TestNode } from '../fixtures/helia.js'
import type { Cid } from '../../src/dag/ids.js'
import { createContentStore } from '../../src/store/index.js'
import { silentLogger } from '../../src/util/logger.js'

const MiB = 1024 * 1024
const aborted = (): AbortSignal => AbortSignal.abort()
/** a CID nobody has: sha256 of random-looking bytes */
const UNKNOWN = 'bafkreidbarhh4b4bvvpx3a4qqydnpgp3bqh72xh54vfmdhfjm7djvl4giy' as Cid

describe('content store', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode({ store: { fetchTimeoutMs: 1500 } }) })
  afterAll(async () => { await t.cleanup() })

  it('should read back added bytes, a range, and the end of a multi-block file', async () => {
    const bytes = testBytes(2.5 * MiB, 3)
    const { cid, size } = await t.store.addBytes(bytes)
    expect(size).toBe(bytes.length)
    expect(Buffer.compare(await readAll(t.store.get(cid)), bytes)).toBe(0)
    const range = await readAll(t.store.get(cid, { offset: MiB - 10, length: 20 }))
    expect(Buffer.compare(range, bytes.subarray(MiB - 10, MiB + 10))).toBe(0)
    const tail = await readAll(t.store.get(cid, { offset: 2 * MiB }))
    expect(tail.length).toBe(MiB / 2)
    expect((await readAll(t.store.get(cid, { offset: bytes.length }))).length).toBe(0)
    expect((await readAll(t.store.get(cid, { offset: 5, length: 0 }))).length).toBe(0)
    const over = await readAll(t.store.get(cid, { offset: bytes.length - 3, length: 100 }))
    expect(Buffer.compare(over, bytes.subarray(bytes.length - 3))).toBe(0)
    await expect(readAll(t.store.get(cid, { offset: bytes.length + 1 }))).rejects.toThrow(
      `offset ${bytes.length + 1} is past the end of the content (${bytes.length} bytes)`)
  })

  it('should add a Readable and a file and give the same CID as the bytes', async () => {
    const bytes = testBytes(300_000, 4)
    const file = join(t.dir, 'in.bin')
    await writeFile(file, bytes)
    const a = await t.store.addBytes(bytes)
    const b = await t.store.addStream(Readable.from([Buffer.from(bytes.subarray(0, 1000)), Buffer.from(bytes.subarray(1000))]))
    const c = await t.store.addFile(file)
    expect(b.cid).toBe(a.cid)
    expect(c.cid).toBe(a.cid)
  })

  it('should stat size and locality and answer has from the local blockstore only', async () => {
    const { cid } = await t.store.addBytes(testBytes(1.5 * MiB, 5))
    expect(await t.store.stat(cid)).toEqual({ cid, size: 1.5 * MiB, local: true })
    expect(await t.store.has(cid)).toBe(true)
    const started = Date.now()
    expect(await t.store.has(UNKNOWN)).toBe(false)
    expect(Date.now() - started).toBeLessThan(1500)
  })

  it('should not answer stat from memory once GC removed the file', async () => {
    const { cid } = await t.store.addBytes(testBytes(1.5 * MiB, 11))
    expect(await t.store.stat(cid)).toEqual({ cid, size: 1.5 * MiB, local: true })
    await t.store.gc()
    await expect(t.store.stat(cid, { timeoutMs: 300 })).rejects.toMatchObject({ name: 'ContentNotFoundError' })
  })

  it('should keep a small local file in memory once stat has read it: the same bytes as a walk, and no block read', async () => {
    const bytes = testBytes(20_000, 21)
    const { cid } = await t.store.addBytes(bytes)
    const first = await t.store.stat(cid)
    expect(first).toMatchObject({ cid, size: bytes.length, local: true })
    expect(Buffer.compare(Buffer.from(first.bytes ?? []), await readAll(t.store.get(cid)))).toBe(0)
    const blockstore = t.helia().blockstore
    const has = blockstore.has.bind(blockstore)
    let asked = 0
    blockstore.has = async (...args: Parameters<typeof has>) => { asked++; return await has(...args) }
    try {
      expect(Buffer.compare(Buffer.from((await t.store.stat(cid)).bytes ?? []), bytes)).toBe(0)
      expect(asked).toBe(0)
    } finally {
      blockstore.has = has
    }
    // a file of more than one chunk is never kept whole
    const large = await t.store.addBytes(testBytes(MiB + 1, 22))
    expect((await t.store.stat(large.cid)).bytes).toBeUndefined()
  })

  it('should keep no more bytes in memory than it is given', async () => {
    const store = createContentStore({ helia: t.helia(), logger: silentLogger(), hotFilesBytes: 25_000 })
    const a = await store.addBytes(testBytes(20_000, 24))
    const b = await store.addBytes(testBytes(20_000, 25))
    expect((await store.stat(a.cid)).bytes?.byteLength).toBe(20_000)
    expect((await store.stat(b.cid)).bytes?.byteLength).toBe(20_000)
    // b is answered from memory (no blockstore check); a gave its bytes up for b's, so it is checked again
    const blockstore = t.helia().blockstore
    const has = blockstore.has.bind(blockstore)
    const asked: string[] = []
    blockstore.has = async (...args: Parameters<typeof has>) => { asked.push(args[0].toString()); return await has(...args) }
    try {
      await store.stat(b.cid)
      expect(asked).toEqual([])
      expect((await store.stat(a.cid)).bytes?.byteLength).toBe(20_000)
      expect(asked).toContain(a.cid)
    } finally {
      blockstore.has = has
    }
    const off = createContentStore({ helia: t.helia(), logger: silentLogger(), hotFilesBytes: 0 })
    expect(await off.stat(a.cid)).toEqual({ cid: a.cid, size: 20_000, local: true })
    await Promise.all([store.stop(), off.stop()])
  })

  it('should not serve a kept small file from memory once GC removed it', async () => {
    const { cid } = await t.store.addBytes(testBytes(3000, 23))
    expect((await t.store.stat(cid)).bytes?.byteLength).toBe(3000)
    await t.store.gc()
    await expect(t.store.stat(cid, { timeoutMs: 300 })).rejects.toMatchObject({ name: 'ContentNotFoundError' })
  })

  it('should read the blocks of a local file a file at a time, not through the streamed blockstore get', async () => {
    const bytes = testBytes(2.5 * MiB, 13)
    const { cid } = await t.store.addBytes(bytes)
    const blockstore = t.helia().blockstore
    const get = blockstore.get.bind(blockstore)
    let streamed = 0
    blockstore.get = (...args: Parameters<typeof get>) => { streamed++; return get(...args) }
    try {
      expect(Buffer.compare(await readAll(t.store.get(cid)), bytes)).toBe(0)
      expect(streamed).toBe(0)
    } finally {
      blockstore.get = get
    }
  })

  it('should export to a file without leaving temp files', async () => {
    const bytes = testBytes(1.2 * MiB, 6)
    const { cid } = await t.store.addBytes(bytes)
    const out = join(t.dir, 'out', 'x.bin')
    await import('node:fs/promises').then(async (fs) => await fs.mkdir(join(t.dir, 'out')))
    await t.store.exportToFile(cid, out)
    expect(createHash('sha256').update(await readFile(out)).digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'))
    expect(await readdir(join(t.dir, 'out'))).toEqual(['x.bin'])
  })

  it('should store DAG-JSON with links and read it back', async () => {
    const { cid } = await t.store.addBytes(testBytes(10, 1))
    const value = { run: 'r1', outputs: [CID.parse(cid)], n: 3 }
    const jcid = await t.store.putJson(value)
    expect(CID.parse(jcid).code).toBe(0x0129)
    expect(jcid.startsWith('baguqeera')).toBe(true)
    const back = await t.store.getJson<typeof value>(jcid)
    expect(back.run).toBe('r1')
    expect(back.outputs[0]?.toString()).toBe(cid)
  })

  it('should report the bytes of its blockstore', async () => {
    const before = await t.store.size()
    await t.store.addBytes(testBytes(200_000, 99))
    expect(await t.store.size() - before).toBe(200_000)
  })

  it('should fail a get of an unknown CID with no peers within the deadline', async () => {
    const started = Date.now()
    await expect(readAll(t.store.get(UNKNOWN, { timeoutMs: 300 }))).rejects.toThrow(
      `content ${UNKNOWN} was not found locally or on any connected peer within 300 ms`)
    expect(Date.now() - started).toBeLessThan(2000)
    await expect(t.store.stat(UNKNOWN, { timeoutMs: 300 })).rejects.toMatchObject({ name: 'ContentNotFoundError' })
    await expect(t.store.getJson('bagaaieraunknownunknownunknownunknownunknownunknownunknow' as Cid)).rejects.toMatchObject({ name: 'InvalidCidError' })
  })

  it('should fail to pin content that is neither local nor on a peer within the deadline', async () => {
    await expect(t.store.pin(UNKNOWN, 'cache', { timeoutMs: 300 })).rejects.toThrow(
      `content ${UNKNOWN} was not found locally or on any connected peer within 300 ms`)
    expect(await t.store.pinReasons(UNKNOWN)).toEqual([])
  })

  it('should use the store fetch timeout when none is given', async () => {
    const started = Date.now()
    await expect(readAll(t.store.get(UNKNOWN))).rejects.toMatchObject({ name: 'ContentNotFoundError' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    expect(Date.now() - started).toBeLessThan(4000)
  })

  it('should reject bad input with named errors', async () => {
    const { cid } = await t.store.addBytes(testBytes(100, 2))
    expect(() => t.store.get('nope' as Cid)).toThrow('"nope" is not a valid CID')
    expect(() => t.store.get(cid, { offset: -1 })).toThrow('offset must be a non-negative integer, got -1')
    expect(() => t.store.get(cid, { length: 1.5 })).toThrow('length must be a non-negative integer, got 1.5')
    const jcid = await t.store.putJson({ a: 1 })
    expect(() => t.store.get(jcid)).toThrow(`CID ${jcid} is not a file (codec 0x129)`)
    await expect(t.store.getJson(cid)).rejects.toThrow(`CID ${cid} is not DAG-JSON (codec 0x55)`)
    await expect(t.store.pin(cid, 'bogus' as 'cache')).rejects.toThrow(
      '"bogus" is not a pin reason (expected one of run-input, run-output, cache, upload, published, asset, provenance, manifest)')
    await expect(t.store.addFile(join(t.dir, 'missing.bin'))).rejects.toThrow(`file "${join(t.dir, 'missing.bin')}" does not exist`)
    await expect(t.store.addFile(t.dir)).rejects.toThrow(`"${t.dir}" is a directory, not a file`)
  })

  it('should abort every abortable API when passed an aborted signal', async () => {
    const { cid } = await t.store.addBytes(testBytes(100, 3))
    const signal = aborted()
    const abortError = { name: 'AbortError' }
    await expect(t.store.addBytes(new Uint8Array(1), { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.addStream(Readable.from([Buffer.alloc(1)]), { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.addFile(join(t.dir, 'in.bin'), { signal })).rejects.toMatchObject(abortError)
    expect(() => t.store.get(cid, { signal })).toThrow(expect.objectContaining(abortError))
    await expect(t.store.exportToFile(cid, join(t.dir, 'never.bin'), { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.stat(cid, { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.pin(cid, 'cache', { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.unpin(cid, 'cache', { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.gc({ signal })).rejects.toMatchObject(abortError)
    await expect(t.store.putJson({ a: 1 }, { signal })).rejects.toMatchObject(abortError)
    await expect(t.store.getJson(cid, { signal })).rejects.toMatchObject(abortError)
  })

  it('should not count the time a slow consumer holds a piece against the fetch deadline', async () => {
    const bytes = testBytes(2 * MiB, 21)
    const { cid } = await t.store.addBytes(bytes)
    const parts: Uint8Array[] = []
    // a local block arrives in well under 1 s even on a loaded machine; the consumer holds each for longer
    for await (const part of t.store.get(cid, { timeoutMs: 1000 })) {
      parts.push(part)
      await new Promise((resolve) => setTimeout(resolve, 1300))
    }
    expect(Buffer.compare(Buffer.concat(parts), bytes)).toBe(0)
  })

  it('should stop a get of unknown content when the caller aborts mid-wait', async () => {
    const controller = new AbortController()
    setTimeout(() => { controller.abort() }, 100)
    const started = Date.now()
    await expect(readAll(t.store.get(UNKNOWN, { signal: controller.signal, timeoutMs: 10_000 }))).rejects.toMatchObject({ name: 'AbortError' })
    expect(Date.now() - started).toBeLessThan(1000)
  })
})

import { createReadStream } from 'node:fs'
import { open, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import * as dagJson from '@ipld/dag-json'
import { createUnsafe } from 'multiformats/block'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { cidToString, type Cid } from '../dag/index.js'
import { addContent } from './add.js'
import { DAG_PB_CODE, DEFAULT_FETCH_TIMEOUT_MS, DEFAULT_HOT_FILES_BYTES, IDENTITY_CODE, RAW_CODE } from './constants.js'
import { withDeadline } from './deadline.js'
import { InvalidCidError, InvalidRangeError, NotAFileError, type CorruptContentError } from './errors.js'
import { collectGarbage, LinkMemo, type GcResult } from './gc.js'
import { Collector } from './collector.js'
import { Holds } from './holds.js'
import { localBlockstore } from './local-blockstore.js'
import { CompleteFiles } from './complete-files.js'
import { checkFile } from './import.js'
import { checkReason, ReasonPins } from './pins.js'
import { encodeDagJson } from './dag-json.js'
import { fileNode, readRange, type FileNode } from './reader.js'
import { blocksSize } from './size.js'
import { collect, VerifyingBlocks } from './verify.js'
import type { RemoteFetcher, RemotePull } from './remote/index.js'
import { fsBlockstoreOf } from './car/fs-blockstore.js'
import { localBlockReader } from './car/block-reader.js'
import type { ContentStoreInit, StoreHelia } from './index.js'
import type { AbortOptions, AddResult, ContentStore, GetOptions, PinReason, StatResult, StoreHold, WriteOptions } from './types.js'
import type { Logger } from '../util/index.js'
import type { Readable } from 'node:stream'

export function parseCid (cid: string): CID {
  try {
    return CID.parse(cid)
  } catch {
    throw new InvalidCidError(`"${cid.length > 80 ? cid.slice(0, 77) + '...' : cid}" is not a valid CID`)
  }
}

function checkRange (options: GetOptions): void {
  for (const field of ['offset', 'length'] as const) {
    const v = options[field]
    if (v != null && (!Number.isSafeInteger(v) || v < 0)) {
      throw new InvalidRangeError(`${field} must be a non-negative integer, got ${String(v)}`)
    }
  }
}

/** waits for `done`, or gives up (without stopping it) when `signal` aborts */
async function untilDone (done: Promise<unknown>, signal?: AbortSignal): Promise<void> {
  if (signal == null) {
    await done
    return
  }
  signal.throwIfAborted()
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => { reject(signal.reason as Error) }
    signal.addEventListener('abort', onAbort, { once: true })
    done.then(() => { resolve() }, reject).finally(() => { signal.removeEventListener('abort', onAbort) }).catch(() => {})
  })
}

export class HeliaContentStore implements ContentStore {
  private readonly helia: StoreHelia
  private readonly log: Logger
  private readonly verified: VerifyingBlocks
  private readonly pins: ReasonPins
  private readonly holds = new Holds()
  private readonly collector: Collector
  /** the blockstore below Helia's wrappers: local reads only, deletes without Helia's lock */
  private readonly local: ReturnType<typeof localBlockstore>
  /** content from peers */
  private readonly remote?: Pick<RemoteFetcher, 'open' | 'running' | 'provide'>
  /** links of DAG blocks the collector walked: the next pass walks pinned DAGs without reading them */
  private readonly links = new LinkMemo()
  private readonly pending = { bytes: 0 }
  private readonly fetchTimeoutMs: number
  private readonly complete: CompleteFiles

  constructor (private readonly init: ContentStoreInit & { blocksDir?: string }) {
    this.helia = init.helia
    this.log = init.logger.child({ component: 'store' })
    // over a filesystem blockstore, local blocks are read a file at a time
    const readLocal = fsBlockstoreOf(this.helia.blockstore) != null ? localBlockReader(this.helia.blockstore) : undefined
    this.verified = new VerifyingBlocks(this.helia.blockstore, async (cid) => { await this.dropBlock(cid) }, readLocal)
    this.pins = new ReasonPins(this.helia)
    this.fetchTimeoutMs = init.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS
    this.complete = new CompleteFiles(undefined, init.hotFilesBytes ?? DEFAULT_HOT_FILES_BYTES)
    this.local = localBlockstore(this.helia.blockstore)
    this.collector = new Collector(async (signal) => await this.collect(signal))
    if (init.remote != null) this.remote = init.remote
  }

  hold (): StoreHold {
    return this.holds.scope()
  }

  /** puts a root in the caller's hold (one this store handed out), where it stays until released */
  private keepIn (hold: StoreHold | undefined, cid: CID): void {
    if (hold == null) return
    const scope = hold as StoreHold & { keep?: (cid: CID) => void }
    if (typeof scope.keep !== 'function') throw new TypeError('the hold was not made by this store')
    scope.keep(cid)
  }

  /**
   * Deletes a damaged block. Below Helia's pin check (a pinned block cannot be deleted through
   * `helia.blockstore`): the bytes are wrong whoever pinned them, and a pinned DAG with a missing block
   * is fetched again from peers or re-rendered, where one with a wrong block would fail forever.
   */
  private async dropBlock (cid: CID): Promise<void> {
    const outer = this.helia.blockstore as StoreHelia['blockstore'] & { unwrap?: () => Pick<StoreHelia['blockstore'], 'delete'> }
    const raw = typeof outer.unwrap === 'function' ? outer.unwrap() : outer
    this.complete.forgetAll()
    try {
      await raw.delete(cid)
      this.log.error({ block: cid.toString() }, 'dropped a block whose bytes no longer match its CID')
    } catch (err) {
      this.log.error({ block: cid.toString(), err }, 'could not drop a corrupt block')
    }
  }

  /** tells the owner (onCorrupt) which content a damaged block belonged to, then rethrows */
  private async corrupted (cid: Cid, err: unknown): Promise<never> {
    if ((err as Error | null)?.name === 'CorruptContentError') {
      const block = (err as CorruptContentError).block ?? cid
      try {
        await this.init.onCorrupt?.({ cid, block })
      } catch (hookErr) {
        this.log.error({ err: hookErr, cid }, 'onCorrupt failed')
      }
    }
    throw err
  }

  private async add (source: AsyncIterable<Uint8Array>, options: WriteOptions): Promise<AddResult> {
    const blocks = this.helia.blockstore
    const { cid, size } = await addContent(source, {
      // a rollback's delete goes below Helia's GC lock, as the collector's do: it never waits behind a read
      blocks: { has: blocks.has.bind(blocks), put: blocks.put.bind(blocks), delete: async (cid) => { await this.local.delete(cid) } },
      holds: this.holds,
      keep: (root) => { this.keepIn(options.hold, root) },
      currentSize: async () => await this.size(),
      maxBytes: this.init.maxBytes,
      pending: this.pending,
      // a concurrent add may have finished a file on a block this one wrote and now deletes
      onDelete: () => { this.complete.forgetAll() }
    }, options)
    this.log.debug({ cid: cid.toString(), size }, 'added')
    this.complete.remember(cid.toString(), size)
    return { cid: cidToString(cid), size }
  }

  async addBytes (bytes: Uint8Array, options: WriteOptions = {}): Promise<AddResult> {
    return await this.add((async function * () { yield bytes })(), options)
  }

  async addStream (source: AsyncIterable<Uint8Array> | Readable, options: WriteOptions = {}): Promise<AddResult> {
    return await this.add(source as AsyncIterable<Uint8Array>, options)
  }

  async addFile (path: string, options: WriteOptions = {}): Promise<AddResult> {
    options.signal?.throwIfAborted()
    await checkFile(path)
    return await this.add(createReadStream(path, { highWaterMark: 1024 * 1024, signal: options.signal }), options)
  }

  get (cid: Cid, options: GetOptions = {}): AsyncIterable<Uint8Array> {
    options.signal?.throwIfAborted()
    checkRange(options)
    const parsed = parseCid(cid)
    if (parsed.code !== RAW_CODE && parsed.code !== DAG_PB_CODE) {
      throw new NotAFileError(`CID ${cid} is not a file (codec 0x${parsed.code.toString(16)})`)
    }
    const start = options.offset ?? 0
    const end = options.length != null ? start + options.length : Infinity
    const getBlock = async (c: CID, signal: AbortSignal): Promise<Uint8Array> => await this.verified.getBlock(c, { signal })
    const local = (): AsyncIterable<Uint8Array> => withDeadline(async function * (signal: AbortSignal) {
      yield * readRange(fileNode(parsed, await getBlock(parsed, signal)), start, end, getBlock, signal)
    }, { signal: options.signal, timeoutMs: options.timeoutMs ?? this.fetchTimeoutMs, what: `content ${cid}` })
    const fromPeers = this.fromPeers.bind(this)
    const corrupted = this.corrupted.bind(this)
    const signal = options.signal ?? new AbortController().signal
    return (async function * () {
      try {
        const pulled = await fromPeers(parsed)
        if (pulled == null) yield * local()
        else yield * readRange(fileNode(parsed, await pulled(parsed, signal)), start, end, pulled, signal)
      } catch (err) {
        await corrupted(cid, err)
      }
    })()
  }

  /**
   * The shared pull of a DAG this node does not hold (started here when none runs), or undefined when
   * the root is local (or there is no remote path), where reads go to the local blockstore.
   */
  private async pullOf (root: CID): Promise<RemotePull | undefined> {
    if (this.remote == null) return undefined
    // a pull that runs is joined without a look at the disk: its writes keep the file system's
    // threads busy, and a file check queued behind them held the first byte back by a second
    const running = this.remote.running(root.toString())
    if (running != null) return running
    if (await this.helia.blockstore.has(root)) return undefined
    return this.remote.open(root.toString(), { inflight: this.holds.blocks })
  }

  /** the blocks of a file from its pull, each handed over verified as soon as it arrives */
  private async fromPeers (root: CID): Promise<((cid: CID, signal: AbortSignal) => Promise<Uint8Array>) | undefined> {
    const pull = await this.pullOf(root)
    if (pull == null) return undefined
    // blocks the pull wrote already: read back (and checked) from the disk, never asked of the network
    const read = async (cid: CID, signal?: AbortSignal): Promise<Uint8Array> => await this.verified.getBlock(cid, { signal, offline: true } as AbortOptions)
    return async (cid, signal) => await pull.block(cid, read, signal)
  }

  async exportToFile (cid: Cid, path: string, options: GetOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.part`)
    const handle = await open(tmp, 'w')
    try {
      for await (const chunk of this.get(cid, options)) await handle.write(chunk)
      await handle.sync()
      await handle.close()
      await rename(tmp, path)
    } catch (err) {
      await handle.close().catch(() => {})
      await rm(tmp, { force: true })
      throw err
    }
  }

  async stat (cid: Cid, options: GetOptions = {}): Promise<StatResult> {
    options.signal?.throwIfAborted()
    const known = this.complete.get(cid)
    // bytes in memory were verified when read, and leave with the blocks (forgetAll): no disk check needed
    if (known?.bytes != null) return { cid, size: known.size, local: true, bytes: known.bytes }
    if (known != null && await this.helia.blockstore.has(parseCid(cid))) return await this.withBytes({ cid, size: known.size, local: true }, this.complete.begin(), options)
    const since = this.complete.begin()
    let stat: StatResult
    try {
      stat = await this.statOf(cid, options)
    } catch (err) {
      return await this.corrupted(cid, err)
    }
    if (!stat.local) return stat
    this.complete.remember(cid, stat.size, since)
    return await this.withBytes(stat, since, options)
  }

  held (cid: Cid): Uint8Array | undefined {
    return this.complete.get(cid)?.bytes
  }

  /** a small local file is read whole (verified, as every get) and kept in memory for the next reads */
  private async withBytes (stat: StatResult, since: number, options: GetOptions): Promise<StatResult> {
    if (!this.complete.wouldHold(stat.size)) return stat
    const bytes = await collect(this.get(stat.cid, { signal: options.signal }))
    this.complete.remember(stat.cid, stat.size, since, bytes)
    return { ...stat, bytes }
  }

  private async statOf (cid: Cid, options: GetOptions): Promise<StatResult> {
    const parsed = parseCid(cid)
    const pulled = await this.fromPeers(parsed)
    if (pulled != null) return { cid, size: fileNode(parsed, await pulled(parsed, options.signal ?? new AbortController().signal)).size, local: false }
    const roots = withDeadline(async function * (this: HeliaContentStore, signal: AbortSignal) {
      yield fileNode(parsed, await this.verified.getBlock(parsed, { signal }))
    }.bind(this), { signal: options.signal, timeoutMs: options.timeoutMs ?? this.fetchTimeoutMs, what: `content ${cid}` })
    let root: FileNode | undefined
    for await (const r of roots) root = r
    if (root == null) throw new NotAFileError(`CID ${cid} has no root block`)
    return { cid, size: root.size, local: await this.isLocal(parsed, options) }
  }

  /**
   * true when every block of the DAG (any codec: file trees, DAG-JSON records and what they link to) is
   * in the local blockstore; reads only local blocks, never answers from memory (a pin relies on it)
   */
  private async isLocal (root: CID, options: AbortOptions): Promise<boolean> {
    const seen = new Set<string>()
    const stack = [root]
    while (stack.length > 0) {
      const cid = stack.pop()
      if (cid == null) break
      if (cid.multihash.code === IDENTITY_CODE || seen.has(cid.toString())) continue
      seen.add(cid.toString())
      if (!await this.helia.blockstore.has(cid, options)) return false
      if (cid.code === RAW_CODE) continue
      // offline: a block that went between has() and this read is missing, not fetched without a deadline
      let bytes: Uint8Array
      try {
        bytes = await this.verified.getBlock(cid, { ...options, offline: true } as AbortOptions)
      } catch (err) {
        if ((err as Error).name === 'BlockNotFoundWhileOfflineError' || (err as Error).name === 'NotFoundError') return false
        throw err
      }
      const block = createUnsafe({ bytes, cid, codec: await this.helia.getCodec(cid.code) })
      for (const [, link] of block.links()) stack.push(link)
    }
    return true
  }

  async has (cid: Cid): Promise<boolean> {
    return await this.helia.blockstore.has(parseCid(cid))
  }

  async hasAll (cid: Cid, options: AbortOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    try {
      return await this.isLocal(parseCid(cid), options)
    } catch (err) {
      return await this.corrupted(cid, err)
    }
  }

  /** fetches the CID's DAG from peers first when it is not all local (a file: every block, with deadlines) */
  async pin (cid: Cid, reason: PinReason | readonly PinReason[], options: GetOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const parsed = parseCid(cid)
    const reasons = (typeof reason === 'string' ? [reason] : reason).map(checkReason)
    // held from before the walk to the record: a collection running meanwhile marks this DAG first
    const hold = this.holds.scope()
    try {
      hold.keep(parsed)
      await this.holds.settled()
      await this.pinHeld(cid, parsed, reasons, options)
    } finally {
      hold.release()
    }
  }

  private async pinHeld (cid: Cid, parsed: CID, reasons: PinReason[], options: GetOptions): Promise<void> {
    // one offline walk of the whole DAG (any codec) answers both "fetch first?" and "may it be pinned?"
    const whole = async (): Promise<boolean> => {
      try {
        return await this.isLocal(parsed, options)
      } catch (err) {
        return await this.corrupted(cid, err)
      }
    }
    let complete = await whole()
    if (!complete) {
      const pull = parsed.code === RAW_CODE || parsed.code === DAG_PB_CODE ? await this.pullOf(parsed) : undefined
      if (pull != null) {
        await untilDone(pull.done, options.signal)
      } else if (parsed.code === RAW_CODE || parsed.code === DAG_PB_CODE) {
        for await (const chunk of this.get(cid, options)) void chunk
      } else {
        await this.getJson(cid, options)
      }
      complete = await whole()
    }
    await this.pins.pin(parsed, reasons, complete, options)
    // a file kept whole here is announced on the LAN DHT, so members not connected to this node find it
    if (complete && (parsed.code === RAW_CODE || parsed.code === DAG_PB_CODE)) this.remote?.provide(parsed.toString())
  }

  async unpin (cid: Cid, reason: PinReason, options: AbortOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    await this.pins.unpin(parseCid(cid), checkReason(reason), options)
  }

  async pinReasons (cid: Cid): Promise<PinReason[]> {
    return await this.pins.reasons(parseCid(cid))
  }

  async * pinned (options: AbortOptions = {}): AsyncGenerator<Cid> {
    for await (const root of this.pins.roots(options)) yield cidToString(root)
  }

  async gc (options: AbortOptions = {}): Promise<GcResult> {
    return await this.collector.request(options)
  }

  async stop (): Promise<void> {
    await this.collector.stop()
  }

  private async collect (signal: AbortSignal): Promise<GcResult> {
    return await collectGarbage({
      local: this.local,
      getCodec: this.helia.getCodec.bind(this.helia),
      roots: (options) => this.pins.roots(options),
      holds: this.holds,
      links: this.links,
      log: this.log,
      drop: async (cid) => { await this.dropBlock(cid) },
      // a stat must not answer from what a batch removed
      onRemoved: () => { this.complete.forgetAll() },
      onCorrupt: async (root, err) => { await this.corrupted(cidToString(root), err).catch(() => { /* reported; gc goes on */ }) }
    }, signal)
  }

  async putJson (value: unknown, options: WriteOptions & { pin?: PinReason } = {}): Promise<Cid> {
    options.signal?.throwIfAborted()
    const { bytes, linkFree } = encodeDagJson(value)
    const cid = CID.createV1(dagJson.code, await sha256.digest(bytes))
    const id = cidToString(cid)
    const reason = options.pin != null ? checkReason(options.pin) : undefined
    // held from before the write to the pin (or in the caller's hold until it pins what links here)
    const own = this.holds.scope()
    try {
      own.keep(cid)
      this.keepIn(options.hold, cid)
      if (this.holds.isDeleting(cid)) await this.holds.settled()
      await this.helia.blockstore.put(cid, bytes, options)
      if (reason == null) return id
      // a block that links nowhere is whole once written: no walk (which would decode it) is needed
      if (linkFree) await this.pins.pin(cid, [reason], true, options)
      else await this.pin(id, reason, options)
    } finally {
      own.release()
    }
    return id
  }

  async getJson<T = unknown> (cid: Cid, options: GetOptions = {}): Promise<T> {
    options.signal?.throwIfAborted()
    const parsed = parseCid(cid)
    if (parsed.code !== dagJson.code) throw new NotAFileError(`CID ${cid} is not DAG-JSON (codec 0x${parsed.code.toString(16)})`)
    const blocks = withDeadline((signal) => this.verified.get(parsed, { signal }), {
      signal: options.signal, timeoutMs: options.timeoutMs ?? this.fetchTimeoutMs, what: `DAG-JSON ${cid}`
    })
    try {
      for await (const bytes of blocks) return dagJson.decode<T>(bytes)
    } catch (err) {
      await this.corrupted(cid, err)
    }
    throw new NotAFileError(`DAG-JSON ${cid} has no bytes`)
  }

  async size (): Promise<number> {
    return await blocksSize(this.helia.blockstore, this.init.blocksDir)
  }
}

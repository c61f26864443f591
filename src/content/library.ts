import type { Cid, PlanId } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import type { PinReason } from '../store/index.js'
import type { Logger } from '../util/index.js'
import { CACHE_SCAN_COUNT, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_PUBLISHED_TIMEOUT_MS } from './constants.js'
import { ContentInUseError, ContentPublishedError, RunNotFoundError, RunStateError } from '../state/index.js'
import { ContentNotFoundError, ImportDisabledError } from '../store/index.js'
import type { ContentLibraryComponents } from './ports.js'
import { FALLBACK_MEDIA_TYPE, sniffMediaType } from '../media/index.js'
import { limitStream, readHead, type StreamTally } from './upload.js'
import type {
  AddedContent, ContentLibrary, ContentLibraryInit, DeleteResult, DiscardResult, LibraryOptions, UploadInit
} from './index.js'

const ACTIVE = new Set(['pending', 'running'])
/** pins a deletion never drops: published items are never deleted, assets are kept by name */
const KEPT_REASONS = new Set<PinReason>(['published', 'asset'])
/** records a node keeps while what they describe exists: deleting one would leave a run or the node pointing at nothing */
const RECORD_REASONS: ReadonlyArray<[PinReason, string]> = [
  ['provenance', 'the provenance record of a run; discard that run first'],
  ['manifest', 'this node\'s state manifest (what it shares with its peers) and cannot be deleted']
]
/** pins a run holds on its items */
const RUN_REASONS: readonly PinReason[] = ['run-output', 'run-input', 'cache']

export class DefaultContentLibrary implements ContentLibrary {
  private readonly log: Logger
  private readonly maxUploadBytes: number
  private readonly publishedTimeoutMs: number

  constructor (private readonly components: ContentLibraryComponents, init: ContentLibraryInit = {}) {
    this.log = components.logger.child({ component: 'content' })
    this.maxUploadBytes = init.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES
    this.publishedTimeoutMs = init.publishedTimeoutMs ?? DEFAULT_PUBLISHED_TIMEOUT_MS
  }

  async upload (source: AsyncIterable<Uint8Array>, init: UploadInit = {}): Promise<AddedContent> {
    init.signal?.throwIfAborted()
    const { store } = this.components
    const tally: StreamTally = { head: new Uint8Array(0), bytes: 0 }
    // the upload's blocks stay out of the collector's reach from the first write to the pin
    const hold = store.hold()
    let added
    try {
      try {
        added = await store.addStream(limitStream(source, this.maxUploadBytes, tally, init.signal), { signal: init.signal, hold })
        // the request failed while its last bytes were stored (a multipart body found broken after its file): keep nothing
        init.signal?.throwIfAborted()
      } catch (err) {
        hold.release()
        // blocks of the partial upload are unpinned: collect them so nothing of it is kept
        if (tally.bytes > 0) await this.gc().catch((gcErr: unknown) => { this.log.warn({ err: gcErr }, 'gc after failed upload') })
        throw err
      }
      await store.pin(added.cid, 'upload')
    } finally {
      hold.release()
    }
    // the bytes alone decide the type: a client's declared type would let an uploader name HTML as anything
    const mediaType = sniffMediaType(tally.head) ?? FALLBACK_MEDIA_TYPE
    const stored = await this.list(added, mediaType, init.name)
    this.log.info({ cid: added.cid, size: added.size, mediaType: stored.mediaType, created: stored.created }, 'content uploaded')
    return stored
  }

  /** lists added content; when it is listed already, its first entry (type, name) stays and is what is returned */
  private async list (added: { cid: Cid, size: number }, mediaType: string, name: string | undefined): Promise<AddedContent> {
    const { entry, created } = await this.components.content.add(added.cid, { size: added.size, mediaType, ...(name != null && name !== '' ? { name } : {}) })
    return { cid: added.cid, size: added.size, mediaType: entry.mediaType, created }
  }

  async importPath (path: string, options: LibraryOptions = {}): Promise<AddedContent> {
    options.signal?.throwIfAborted()
    const { importFile, store } = this.components
    if (importFile == null) throw new ImportDisabledError('importing local files is not enabled on this node')
    const hold = store.hold()
    let added
    try {
      added = await importFile(path, { signal: options.signal, hold })
      await store.pin(added.cid, 'upload')
    } finally {
      hold.release()
    }
    const mediaType = await this.sniffStored(added.cid, options.signal)
    return await this.list(added, mediaType, path.split('/').pop())
  }

  async recordOutput (run: RunRecord, options: LibraryOptions = {}): Promise<void> {
    options.signal?.throwIfAborted()
    const cid = run.outputCid
    if (cid == null || await this.components.content.meta(cid) != null) return
    const { size } = await this.components.store.stat(cid, { signal: options.signal })
    const mediaType = await this.sniffStored(cid, options.signal)
    await this.components.content.add(cid, { size, mediaType, name: run.outputName ?? `${run.recipeName} output` })
  }

  async mediaTypeOf (cid: Cid, options: LibraryOptions = {}): Promise<string> {
    // a listed item's type was sniffed when it was added (upload, import, run output): sniffing it again on
    // every download only re-reads the same head, one more store read per GET /cache/{cid}
    const meta = await this.components.content.meta(cid)
    if (meta != null) return meta.mediaType
    return await this.sniffStored(cid, options.signal)
  }

  private async sniffStored (cid: Cid, signal?: AbortSignal): Promise<string> {
    const head = await readHead(this.components.store.get(cid, { length: 64, signal }))
    return sniffMediaType(head) ?? FALLBACK_MEDIA_TYPE
  }

  async isPublished (cid: Cid, options: LibraryOptions = {}): Promise<boolean> {
    const { store, content, l2 } = this.components
    if ((await store.pinReasons(cid)).includes('published')) return true
    if (await content.isPublished(cid)) return true
    if (l2 == null) return false
    const timeout = AbortSignal.timeout(this.publishedTimeoutMs)
    const signal = options.signal != null ? AbortSignal.any([options.signal, timeout]) : timeout
    const published = await l2.isPublished(cid, { signal })
    if (published) await content.setPublished(cid, true)
    return published
  }

  async deleteContent (cid: Cid, options: LibraryOptions = {}): Promise<DeleteResult> {
    options.signal?.throwIfAborted()
    const { store, content } = this.components
    const [meta, local] = await Promise.all([content.meta(cid), store.has(cid)])
    if (meta == null && !local) throw new ContentNotFoundError(`content ${cid} is not stored on this node`)
    if (await this.isPublished(cid, options)) {
      throw new ContentPublishedError(`content ${cid} is published to L2 and cannot be deleted`)
    }
    const reasons = await store.pinReasons(cid)
    const record = RECORD_REASONS.find(([reason]) => reasons.includes(reason))
    if (record != null) throw new ContentInUseError(`content ${cid} is ${record[1]}`)
    const refs = await content.refs(cid)
    if (refs > 0) {
      throw new ContentInUseError(`content ${cid} is an input or output of ${refs} run${refs === 1 ? '' : 's'}; discard ${refs === 1 ? 'that run' : 'those runs'} first`)
    }
    // removing from the index first re-checks refs atomically against a run that started meanwhile
    if (meta != null) await content.remove(cid)
    for (const reason of reasons) {
      if (!KEPT_REASONS.has(reason)) await store.unpin(cid, reason)
    }
    const cacheEntries = await this.dropCacheEntries(new Set([cid]))
    this.collectInBackground()
    this.log.info({ cid, cacheEntries }, 'content deleted')
    return { cid, cacheEntries }
  }

  async discardRun (id: PlanId, options: LibraryOptions = {}): Promise<DiscardResult> {
    options.signal?.throwIfAborted()
    const { runs, store, content } = this.components
    const run = await runs.get(id)
    if (run == null) throw new RunNotFoundError(`run ${id} not found`)
    if (ACTIVE.has(run.status)) throw new RunStateError(`run ${id} is ${run.status}; cancel it before discarding it`)
    const inputs = run.inputs.map((i) => i.cid)
    const output = run.outputCid
    const intermediates = run.steps.flatMap((s) => (s.cid != null && s.type !== 'SOURCE' ? [s.cid] : []))
    const items = [...new Set([...inputs, ...(output != null ? [output] : []), ...intermediates])]
    if (run.status === 'completed') {
      for (const cid of items) {
        if (await this.isPublished(cid, options)) {
          throw new ContentPublishedError(`run ${id} cannot be discarded: its item ${cid} is published to L2`)
        }
      }
      // a completed run counted one reference on its output and on each input
      for (const cid of new Set([...(output != null ? [output] : []), ...inputs])) await content.removeRef(cid)
    }
    const unpinned: Cid[] = []
    for (const cid of items) {
      if (await content.refs(cid) > 0) continue
      const reasons = await store.pinReasons(cid)
      const drop = RUN_REASONS.filter((r) => reasons.includes(r))
      for (const reason of drop) await store.unpin(cid, reason)
      if (drop.length > 0) unpinned.push(cid)
      if (drop.length === reasons.length && await content.meta(cid) != null) {
        await content.remove(cid).catch((err: unknown) => { this.log.warn({ err, cid }, 'content still in use') })
      }
    }
    if (run.provenanceCid != null) await store.unpin(run.provenanceCid, 'provenance')
    await this.dropCacheEntries(new Set(unpinned))
    await runs.delete(id)
    this.collectInBackground()
    this.log.info({ runId: id, unpinned: unpinned.length }, 'run discarded')
    return { id, unpinned }
  }

  /** removes the cache index entries that point at these CIDs, so later runs recompute instead of finding nothing */
  private async dropCacheEntries (cids: Set<Cid>): Promise<number> {
    if (cids.size === 0) return 0
    let cursor = '0'
    let dropped = 0
    do {
      const page = await this.components.cacheIndex.entries(cursor, CACHE_SCAN_COUNT)
      for (const entry of page.entries) {
        if (cids.has(entry.cid)) {
          await this.components.cacheIndex.delete(entry.cacheId)
          dropped++
        }
      }
      cursor = page.cursor
    } while (cursor !== '0')
    return dropped
  }

  async gc (): Promise<{ removed: number }> {
    return await this.components.store.gc()
  }

  /** what was unpinned is collected after the answer: requests made meanwhile share one queued pass */
  private collectInBackground (): void {
    this.components.store.gc().catch((err: unknown) => {
      if ((err as Error).name !== 'StoreStoppedError') this.log.warn({ err }, 'gc after a deletion failed')
    })
  }
}

import { CID } from 'multiformats/cid'
import { asCid, type CacheId, type Cid } from '../dag/index.js'
import { IPNS_KEY_NAME, IPNS_LIFETIME_MS, IPNS_TTL_MS, MANIFEST_TYPE, MANIFEST_VERSION, MAX_BATCH_ENTRIES } from './constants.js'
import { InvalidManifestError, PublishUnreachedError } from './errors.js'
import { parseBatch, parseManifest, type StateBatch, type StateManifest } from './manifest.js'
import { snapshotGet, snapshotInsert, type SnapshotBlocks } from './snapshot.js'
import type { SyncStateStore } from './sync-state.js'
import type { CacheIndex } from '../state/index.js'
import type { ContentStore, StoreHold } from '../store/index.js'
import type { Logger } from '../util/index.js'
import type { IPNS } from '@helia/ipns'

export interface PublishReport {
  /** seq of the newest batch after this publish */
  seq: number
  manifest?: Cid
  /** entries added by this publish */
  added: number
  /** true when this publish folded the tail into a new snapshot */
  compacted: boolean
  /** connected peers when the record went out */
  peers: number
  /** false when the record reached no peer (not a success) */
  reached: boolean
  error?: string
  durationMs: number
}

export interface PublisherDeps {
  store: Pick<ContentStore, 'putJson' | 'getJson' | 'pin' | 'unpin' | 'hold'>
  localIndex: Pick<CacheIndex, 'entries'>
  /** whether this node holds a CID's bytes: only held results are listed */
  holds: (cid: Cid) => Promise<boolean>
  state: SyncStateStore
  ipns: () => IPNS
  peerId: string
  connectedPeers: () => number
  /** this node's HTTP base URL, written into the manifest */
  url: () => string | undefined
  clusterKeyHash: string
  publishTimeoutMs: number
  /** tail batches kept before they are folded into the snapshot */
  compactAfterBatches: number
  /** entries a manifest just listed for the first time */
  onListed: (entries: Array<[CacheId, Cid]>) => void
  log: Logger
}

interface TailBatch { cid: CID, batch: StateBatch }

/**
 * Keeps this node's manifest (snapshot + tail) and points its IPNS name at the newest one. Only the tail
 * is held in memory; the snapshot is read one path at a time. When the tail grows past
 * `compactAfterBatches`, the next publish folds it into a new snapshot: the old batches are no longer
 * linked from the (pinned) manifest, so the collector removes them.
 */
export class ManifestPublisher {
  private readonly pending = new Map<CacheId, Cid>()
  private tail: TailBatch[] = []
  /** cache id -> CID listed in the tail (the newest batch wins) */
  private tailIndex = new Map<CacheId, Cid>()
  private snapshot: CID | null = null
  private snapshotSeq = 0
  private snapshotCount = 0
  private seq = 0
  private manifest?: Cid
  /** the URL the current manifest carries */
  private url?: string
  constructor (private readonly deps: PublisherDeps) {}

  get currentSeq (): number { return this.seq }
  get currentCount (): number { return this.snapshotCount + this.tail.reduce((n, t) => n + t.batch.entries.length, 0) }
  get currentManifest (): Cid | undefined { return this.manifest }
  get currentSnapshot (): string | undefined { return this.snapshot?.toString() }
  get tailLength (): number { return this.tail.length }
  get pendingCount (): number { return this.pending.size }

  /** reads the manifest recorded in Redis and its tail: a constant number of local reads */
  async load (signal?: AbortSignal): Promise<void> {
    const own = await this.deps.state.getOwn()
    this.seq = own.seq
    if (own.manifest == null) return
    try {
      const manifest = parseManifest(await this.deps.store.getJson(own.manifest, { signal, timeoutMs: 2_000 }), own.manifest)
      // older workers wrote their own manifest into the node's record: that state is not this node's
      if (manifest.peer !== this.deps.peerId) throw new InvalidManifestError(`own manifest ${own.manifest} was published by ${manifest.peer}`)
      const tail = await Promise.all(manifest.tail.map(async (cid) => ({ cid, batch: parseBatch(await this.deps.store.getJson(asCid(cid.toString()), { signal, timeoutMs: 2_000 }), cid.toString()) })))
      this.setTail(tail)
      this.snapshot = manifest.snapshot
      this.snapshotSeq = manifest.snapshotSeq
      this.snapshotCount = manifest.count - this.currentCount
      this.url = manifest.url
      this.manifest = own.manifest
    } catch (err) {
      // the state is gone (data dir wiped or collected): start anew; seq keeps growing so peers' cursors stay valid
      this.deps.log.warn({ err: (err as Error).message, manifest: own.manifest }, 'own manifest unreadable or not ours; starting a new state')
    }
  }

  addPending (cacheId: CacheId, cid: Cid): void {
    if (this.tailIndex.get(cacheId) !== cid) this.pending.set(cacheId, cid)
  }

  /** the CID this node lists (or is about to list) for a cache id */
  async listed (cacheId: CacheId, signal?: AbortSignal): Promise<Cid | undefined> {
    const quick = this.pending.get(cacheId) ?? this.tailIndex.get(cacheId)
    if (quick != null) return quick
    return await snapshotGet(this.blockAccess(signal), this.snapshot, cacheId)
  }

  async lists (cacheId: CacheId, cid: Cid): Promise<boolean> {
    return await this.listed(cacheId) === cid
  }

  /**
   * queues every local index entry not listed yet (or whose CID changed) whose bytes this node holds;
   * done at start (what happened while sync was down), afterwards announcements feed the queue
   */
  async scanLocal (signal?: AbortSignal): Promise<void> {
    let cursor = '0'
    do {
      signal?.throwIfAborted()
      const page = await this.deps.localIndex.entries(cursor)
      const listed = await Promise.all(page.entries.map(async ({ cacheId }) => await this.listed(cacheId, signal)))
      const fresh = page.entries.filter(({ cid }, i) => listed[i] !== cid)
      const held = await Promise.all(fresh.map(async ({ cid }) => await this.deps.holds(cid)))
      fresh.forEach(({ cacheId, cid }, i) => { if (held[i] === true) this.addPending(cacheId, cid) })
      cursor = page.cursor
    } while (cursor !== '0')
  }

  /** writes pending entries as a new batch (or a new snapshot) and manifest, then publishes the IPNS record */
  async publish (signal?: AbortSignal): Promise<PublishReport> {
    const started = Date.now()
    let added = 0
    let compacted = false
    if (this.pending.size > 0 || this.manifest == null || this.deps.url() !== this.url) ({ added, compacted } = await this.writeManifest(signal))
    const manifest = this.manifest as Cid
    const peers = this.deps.connectedPeers()
    let recipients = 0
    let error: string | undefined
    try {
      await this.deps.ipns().publish(IPNS_KEY_NAME, CID.parse(manifest), {
        lifetime: IPNS_LIFETIME_MS,
        ttl: IPNS_TTL_MS,
        // alone there is no one to send it to: keep the record locally (peers fetch it when they come)
        offline: peers === 0,
        signal: AbortSignal.any([AbortSignal.timeout(this.deps.publishTimeoutMs), ...(signal != null ? [signal] : [])]),
        onProgress: (evt) => {
          if (evt.type === 'ipns:pubsub:publish') recipients = (evt.detail as { result: { recipients: unknown[] } }).result.recipients.length
        }
      })
    } catch (err) {
      signal?.throwIfAborted()
      error = (err as Error).message
    }
    // with no peer the local store takes the record and publish() still resolves: that is not a success
    const reached = recipients > 0 || (peers > 0 && error == null)
    if (!reached && error == null) error = new PublishUnreachedError(`manifest ${manifest} (seq ${this.seq}) reached no peer: ${peers} connected`).message
    return { seq: this.seq, manifest, added, compacted, peers, reached, error, durationMs: Date.now() - started }
  }

  private async writeManifest (signal?: AbortSignal): Promise<{ added: number, compacted: boolean }> {
    const queued = [...this.pending.entries()]
    // an entry the snapshot lists already (a restart's scan, a repeated announce) is not written again
    const inSnapshot = await Promise.all(queued.map(async ([id]) => this.tailIndex.has(id) ? undefined : await snapshotGet(this.blockAccess(signal), this.snapshot, id)))
    const entries = queued.filter(([, cid], i) => inSnapshot[i] !== cid)
    const url = this.deps.url()
    const batchCount = Math.ceil(entries.length / MAX_BATCH_ENTRIES)
    const compact = this.tail.length + batchCount > this.deps.compactAfterBatches
    let seq = this.seq
    let tail = this.tail
    let snapshot = this.snapshot
    let snapshotSeq = this.snapshotSeq
    let snapshotCount = this.snapshotCount
    // new blocks are pinned only through the manifest that links them: held until it is pinned
    const hold = this.deps.store.hold()
    let cid: Cid
    try {
      if (compact) {
        // oldest first, so the newest CID of a cache id wins
        const folded = [...tail].reverse().flatMap((t) => t.batch.entries).concat(entries)
        const result = await snapshotInsert(this.blockAccess(signal, hold), snapshot, folded)
        snapshot = result.root
        snapshotCount += result.added
        snapshotSeq = ++seq
        tail = []
      } else {
        const fresh: TailBatch[] = []
        for (let i = 0; i < entries.length; i += MAX_BATCH_ENTRIES) {
          const batch: StateBatch = { seq: ++seq, entries: entries.slice(i, i + MAX_BATCH_ENTRIES) }
          fresh.unshift({ cid: CID.parse(await this.deps.store.putJson(batch, { signal, hold })), batch })
        }
        tail = [...fresh, ...tail]
      }
      const manifest: StateManifest = {
        type: MANIFEST_TYPE,
        version: MANIFEST_VERSION,
        peer: this.deps.peerId,
        clusterKeyHash: this.deps.clusterKeyHash,
        seq,
        snapshot,
        snapshotSeq,
        tail: tail.map((t) => t.cid),
        count: snapshotCount + tail.reduce((n, t) => n + t.batch.entries.length, 0),
        updatedAt: new Date().toISOString(),
        ...(url != null ? { url } : {})
      }
      cid = await this.deps.store.putJson(manifest, { signal, pin: 'manifest' })
      await this.deps.state.setOwn({ seq, count: manifest.count, manifest: cid })
    } finally {
      hold.release()
    }
    const old = this.manifest
    // the old manifest's batches and replaced snapshot blocks are now unpinned: the collector takes them
    if (old != null && old !== cid) await this.deps.store.unpin(old, 'manifest').catch((err: Error) => this.deps.log.warn({ err: err.message }, 'unpin of old manifest failed'))
    this.setTail(tail)
    for (const [cacheId, c] of queued) if (this.pending.get(cacheId) === c) this.pending.delete(cacheId)
    this.seq = seq
    this.snapshot = snapshot
    this.snapshotSeq = snapshotSeq
    this.snapshotCount = snapshotCount
    this.manifest = cid
    this.url = url
    if (entries.length > 0) this.deps.onListed(entries)
    return { added: entries.length, compacted: compact }
  }

  private setTail (tail: TailBatch[]): void {
    this.tail = tail
    this.tailIndex = new Map()
    for (const t of [...tail].reverse()) for (const [id, cid] of t.batch.entries) this.tailIndex.set(id, cid)
  }

  private blockAccess (signal?: AbortSignal, hold?: StoreHold): SnapshotBlocks {
    return {
      put: async (node) => CID.parse(await this.deps.store.putJson(node, { signal, hold })),
      get: async (cid) => await this.deps.store.getJson(asCid(cid.toString()), { signal, timeoutMs: 2_000 })
    }
  }
}

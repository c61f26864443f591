import { CID } from 'multiformats/cid'
import { asCid, type CacheId, type Cid } from '../dag/index.js'
import { IPNS_KEY_NAME, IPNS_LIFETIME_MS, IPNS_TTL_MS, MANIFEST_TYPE, MANIFEST_VERSION, MAX_BATCH_ENTRIES, RECENT_BATCHES } from './constants.js'
import { InvalidManifestError, PublishUnreachedError } from './errors.js'
import { parseBatch, parseManifest, type StateBatch, type StateManifest } from './manifest.js'
import type { SyncStateStore } from './sync-state.js'
import type { CacheIndex } from '../state/index.js'
import type { ContentStore } from '../store/index.js'
import type { Logger } from '../util/index.js'
import type { IPNS } from '@helia/ipns'

export interface PublishReport {
  /** seq of the newest batch after this publish */
  seq: number
  manifest?: Cid
  /** entries added by this publish */
  added: number
  /** connected peers when the record went out */
  peers: number
  /** false when the record reached no peer (DESIGN: not a success) */
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
  publishedItems: () => Promise<Cid[]>
  /** this node's HTTP base URL, written into the manifest */
  url: () => string | undefined
  clusterKeyHash: string
  publishTimeoutMs: number
  log: Logger
}

/** Keeps this node's manifest and batch chain, and points its IPNS name at the newest manifest */
export class ManifestPublisher {
  /** cache id -> CID already in the chain */
  private readonly inChain = new Map<string, string>()
  private readonly pending = new Map<string, string>()
  private seq = 0
  private count = 0
  private manifest?: Cid
  /** the URL the current manifest carries */
  private url?: string

  constructor (private readonly deps: PublisherDeps) {}

  get currentSeq (): number { return this.seq }
  get currentCount (): number { return this.count }
  get currentManifest (): Cid | undefined { return this.manifest }

  /** rebuilds the in-memory view of the chain from the manifest recorded in Redis */
  async load (signal?: AbortSignal): Promise<void> {
    const own = await this.deps.state.getOwn()
    this.seq = own.seq
    this.count = own.count
    this.manifest = own.manifest
    if (own.manifest == null) return
    try {
      const manifest = parseManifest(await this.deps.store.getJson(own.manifest, { signal, timeoutMs: 2_000 }), own.manifest)
      // older workers wrote their own manifest into the node's record: that chain is not this node's
      if (manifest.peer !== this.deps.peerId) throw new InvalidManifestError(`own manifest ${own.manifest} was published by ${manifest.peer}`)
      this.url = manifest.url
      let next = manifest.batches
      while (next != null) {
        const batch: StateBatch = parseBatch(await this.deps.store.getJson(asCid(next.toString()), { signal, timeoutMs: 2_000 }), next.toString())
        for (const [cacheId, cid] of batch.entries) if (!this.inChain.has(cacheId)) this.inChain.set(cacheId, cid)
        next = batch.prev
      }
    } catch (err) {
      // the chain is gone (data dir wiped or GC'd): start a new chain, seq keeps growing so peers' cursors stay valid
      this.deps.log.warn({ err: (err as Error).message, manifest: own.manifest }, 'own manifest chain unreadable or not ours; starting a new chain')
      this.manifest = undefined
      this.count = 0
    }
  }

  addPending (cacheId: CacheId, cid: Cid): void {
    if (this.inChain.get(cacheId) !== cid) this.pending.set(cacheId, cid)
  }

  /** true when the entry is in the chain or waits for the next manifest */
  lists (cacheId: CacheId, cid: Cid): boolean {
    return this.inChain.get(cacheId) === cid || this.pending.get(cacheId) === cid
  }

  get pendingCount (): number { return this.pending.size }

  /**
   * queues every local index entry not yet in the chain (or whose CID changed) whose bytes this node
   * holds; a worker's result whose bytes are still only on the worker waits until the node has them
   */
  async scanLocal (signal?: AbortSignal): Promise<void> {
    let cursor = '0'
    do {
      signal?.throwIfAborted()
      const page = await this.deps.localIndex.entries(cursor)
      const fresh = page.entries.filter(({ cacheId, cid }) => !this.lists(cacheId, cid))
      const held = await Promise.all(fresh.map(async ({ cid }) => await this.deps.holds(cid)))
      fresh.forEach(({ cacheId, cid }, i) => { if (held[i] === true) this.addPending(cacheId, cid) })
      cursor = page.cursor
    } while (cursor !== '0')
  }

  /** writes pending entries as new batches + a new manifest (if any), then publishes the IPNS record */
  async publish (signal?: AbortSignal): Promise<PublishReport> {
    const started = Date.now()
    const added = this.pending.size
    if (added > 0 || this.manifest == null || this.deps.url() !== this.url) await this.writeManifest(signal)
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
    return { seq: this.seq, manifest, added, peers, reached, error, durationMs: Date.now() - started }
  }

  private async writeManifest (signal?: AbortSignal): Promise<void> {
    const entries = [...this.pending.entries()] as Array<[CacheId, Cid]>
    const url = this.deps.url()
    let prev: CID | null = null
    let recent: CID[] = []
    if (this.manifest != null) {
      const current = parseManifest(await this.deps.store.getJson(this.manifest, { signal }), this.manifest)
      prev = current.batches
      recent = current.recent ?? []
    }
    let seq = this.seq
    // the batches are pinned only through the manifest that links them: held until it is pinned
    const hold = this.deps.store.hold()
    let manifest: StateManifest
    let cid: Cid
    try {
      for (let i = 0; i < entries.length; i += MAX_BATCH_ENTRIES) {
        const batch: StateBatch = { prev, seq: ++seq, entries: entries.slice(i, i + MAX_BATCH_ENTRIES) }
        prev = CID.parse(await this.deps.store.putJson(batch, { signal, hold }))
        recent = [prev, ...recent].slice(0, RECENT_BATCHES)
      }
      manifest = {
        type: MANIFEST_TYPE,
        version: MANIFEST_VERSION,
        peer: this.deps.peerId,
        clusterKeyHash: this.deps.clusterKeyHash,
        seq,
        batches: prev,
        count: this.count + entries.length,
        published: await this.deps.publishedItems(),
        updatedAt: new Date().toISOString(),
        ...(url != null ? { url } : {}),
        recent
      }
      cid = await this.deps.store.putJson(manifest, { signal, pin: 'manifest' })
    } finally {
      hold.release()
    }
    const old = this.manifest
    await this.deps.state.setOwn({ seq, count: manifest.count, manifest: cid })
    if (old != null && old !== cid) await this.deps.store.unpin(old, 'manifest').catch((err: Error) => this.deps.log.warn({ err: err.message }, 'unpin of old manifest failed'))
    for (const [cacheId, c] of entries) {
      this.inChain.set(cacheId, c)
      if (this.pending.get(cacheId) === c) this.pending.delete(cacheId)
    }
    this.seq = seq
    this.count = manifest.count
    this.manifest = cid
    this.url = url
  }
}

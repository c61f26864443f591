import { ipns, pubSubIPNSRouting, type IPNS } from '@helia/ipns'
import { asCacheId, asCid, type CacheId, type Cid } from '../dag/index.js'
import { decodeAnnouncement, encodeAnnouncement } from './announcement.js'
import { PeerCatchUp, ipnsTopicOf } from './catch-up.js'
import { FOREIGN_PEER_SKIP_MS, HTTP_URL_FETCH_KEY, RESOLVE_CONCURRENCY } from './constants.js'
import { InvalidAnnouncementError, SyncNotStartedError } from './errors.js'
import { WorkerHandOver } from './hand-over.js'
import { HintIndex, type RemoteHint } from './hint-index.js'
import { PeerDirectory } from './peer-directory.js'
import { fetchPeerName } from './peer-name.js'
import { ManifestPublisher, type PublishReport } from './publisher.js'
import { resolvePeer, type ResolveReport } from './resolver.js'
import { settings, type Settings } from './settings.js'
import { SyncStateStore } from './sync-state.js'
import { WhoHas, whoHasPrefix, whoHasResponder } from './who-has.js'
import type { StateSync, StateSyncComponents, StateSyncInit, SyncStatus } from './index.js'
import type { Logger } from '../util/index.js'
import type { Message } from '@libp2p/gossipsub'
import { NotFoundError, type PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Routing } from '@helia/interface'

/**
 * Sync's IPNS records go to connected peers over pubsub, and each peer is asked for its own (peer-name.ts).
 * @helia/ipns adds Helia's own routing (the LAN DHT) to its routers and waits for every router on each
 * publish: a DHT put would add a second or more to each publish, for a record no one looks up there.
 */
const NO_DHT_IPNS = {
  get: async (): Promise<never> => { throw new NotFoundError('state sync keeps IPNS records off the DHT') },
  put: async (): Promise<void> => {}
} as unknown as Routing

export class StateSyncImpl implements StateSync {
  readonly topic: string
  private readonly s: Settings
  private readonly log: Logger
  private readonly state: SyncStateStore
  private readonly publisher: ManifestPublisher
  private name?: IPNS
  private router?: { start?: () => Promise<void>, stop?: () => void }
  private running = false
  private shutdown = new AbortController()
  private timer?: NodeJS.Timeout
  private debounce?: NodeJS.Timeout
  private publishing: Promise<PublishReport | undefined> = Promise.resolve(undefined)
  private resolving = new Map<string, Promise<ResolveReport | undefined>>()
  /** a node's catch-up with its peers and the take-over of its workers' results (a worker has neither) */
  private readonly catchUp?: PeerCatchUp
  private readonly handOver?: WorkerHandOver
  private readonly foreign = new Map<string, number>()
  private readonly counters = {
    announced: 0, gossipReceived: 0, gossipRejected: 0, published: 0, publishUnreached: 0, resolved: 0, resolveFailed: 0, merged: 0, compactions: 0, asked: 0, askedFound: 0
  }
  private lastPublish?: PublishReport
  private readonly directory: PeerDirectory
  private readonly httpUrl: () => string | undefined
  /** peers' results, bounded */
  private readonly hints: HintIndex
  private readonly whoHas: WhoHas
  /** peer -> when it disconnected (peers connected now are not here) */
  private readonly gone = new Map<string, number>()
  /** answers peers asking whether this node lists a cache id */
  private readonly answerWhoHas: (key: Uint8Array) => Promise<Uint8Array | undefined>

  constructor (private readonly c: StateSyncComponents, init: StateSyncInit = {}) {
    this.s = settings(init)
    this.httpUrl = init.httpUrl ?? (() => undefined)
    this.directory = new PeerDirectory(() => c.helia.libp2p.services.fetch, this.httpUrl)
    this.hints = new HintIndex(c.redis, c.keys, { maxEntries: this.s.hintMaxEntries, maxBytes: this.s.hintMaxBytes })
    this.topic = this.s.topic
    this.answerWhoHas = whoHasResponder(this.s.keyHash, async (cacheId) => await this.publisher.listed(cacheId, this.shutdown.signal))
    this.log = c.logger.child({ component: this.s.role === 'worker' ? 'sync:worker' : 'sync' })
    // a worker keeps its own record under its PeerId: the node's record and cursors are the node's alone
    this.state = new SyncStateStore(c.redis, c.keys, this.s.role === 'worker' ? this.peerId : undefined)
    this.publisher = new ManifestPublisher({
      store: c.store,
      localIndex: c.localIndex,
      holds: async (cid) => await c.store.has(cid),
      state: this.state,
      ipns: () => this.ipns(),
      peerId: this.peerId,
      connectedPeers: () => c.helia.libp2p.getPeers().length,
      url: this.httpUrl,
      clusterKeyHash: this.s.keyHash,
      publishTimeoutMs: this.s.publishTimeoutMs,
      compactAfterBatches: this.s.compactAfterBatches,
      onListed: (entries) => { this.whoHas.provide(entries.map(([id]) => id)) },
      log: this.log
    })
    this.whoHas = new WhoHas({
      keyHash: this.s.keyHash,
      fetch: () => c.helia.libp2p.services.fetch,
      routing: () => c.helia.libp2p.contentRouting,
      self: () => c.helia.libp2p.peerId,
      log: this.log
    })
    if (this.s.role === 'node') {
      this.catchUp = new PeerCatchUp({
        libp2p: c.helia.libp2p,
        resolve: async (peer) => (this.foreign.get(peer) ?? 0) >= Date.now() || await this.resolveOnce(peer) != null,
        windowMs: this.s.resolveTimeoutMs,
        log: this.log
      })
      this.handOver = new WorkerHandOver({
        state: this.state,
        localIndex: c.localIndex,
        store: c.store,
        lists: async (cacheId, cid) => await this.publisher.lists(cacheId, cid),
        onHeld: async (cacheId, cid) => { await this.announce(cacheId, cid) },
        signal: () => this.shutdown.signal,
        log: this.log
      })
    }
  }

  get peerId (): string { return this.c.helia.libp2p.peerId.toString() }

  async start (): Promise<void> {
    if (this.running || !this.s.enabled) return
    this.shutdown = new AbortController()
    const helia = this.c.helia
    // ipns() must come after helia.start(); its republisher then never runs, hence our own timer
    const router = pubSubIPNSRouting(helia) as ReturnType<typeof pubSubIPNSRouting> & { start?: () => Promise<void>, stop?: () => void }
    await router.start?.()
    this.router = router
    this.name = ipns({ datastore: helia.datastore, logger: helia.logger, keychain: helia.keychain, events: helia.events, routing: NO_DHT_IPNS }, { routers: [router] })
    // a worker is known to its node as one of its own before it announces anything
    if (this.s.role === 'worker') await this.state.register()
    await this.hints.open()
    await this.publisher.load(this.shutdown.signal)
    this.whoHas.start()
    const pubsub = helia.libp2p.services.pubsub
    pubsub.addEventListener('message', this.onMessage)
    pubsub.subscribe(this.topic)
    helia.libp2p.services.fetch.registerLookupFunction(HTTP_URL_FETCH_KEY, this.directory.lookup)
    helia.libp2p.services.fetch.registerLookupFunction(whoHasPrefix(this.s.keyHash), this.answerWhoHas)
    helia.libp2p.addEventListener('peer:connect', this.onPeerConnect)
    helia.libp2p.addEventListener('peer:disconnect', this.onPeerDisconnect)
    this.running = true
    this.catchUp?.start()
    // resolving our own name subscribes us to its pubsub topic, so peers get pushes and can fetch it
    this.subscribeOwnName().catch((err: Error) => this.log.debug({ err: err.message }, 'own name subscribe'))
    this.timer = setInterval(() => this.tick(), this.s.intervalMs)
    this.timer.unref()
    this.schedulePublish(true)
    this.log.info({ topic: this.topic, peer: this.peerId, seq: this.publisher.currentSeq }, 'state sync started')
  }

  async stop (): Promise<void> {
    if (!this.running) return
    this.running = false
    clearInterval(this.timer)
    clearTimeout(this.debounce)
    this.shutdown.abort(new SyncNotStartedError('state sync stopped'))
    const helia = this.c.helia
    helia.libp2p.removeEventListener('peer:connect', this.onPeerConnect)
    helia.libp2p.removeEventListener('peer:disconnect', this.onPeerDisconnect)
    this.catchUp?.stop()
    this.whoHas.stop()
    try {
      helia.libp2p.services.pubsub.removeEventListener('message', this.onMessage)
      helia.libp2p.services.pubsub.unsubscribe(this.topic)
      helia.libp2p.services.fetch.unregisterLookupFunction(HTTP_URL_FETCH_KEY, this.directory.lookup)
      helia.libp2p.services.fetch.unregisterLookupFunction(whoHasPrefix(this.s.keyHash), this.answerWhoHas)
    } catch {} // libp2p may already be stopped
    await Promise.allSettled([this.publishing, ...this.resolving.values()])
    this.router?.stop?.()
    this.name = undefined
  }

  async announce (cacheId: CacheId, cid: Cid, options: { signal?: AbortSignal } = {}): Promise<{ recipients: number }> {
    options.signal?.throwIfAborted()
    this.assertRunning()
    let id: CacheId
    let c: Cid
    try {
      id = asCacheId(cacheId)
      c = asCid(cid)
    } catch (err) {
      throw new InvalidAnnouncementError(`cannot announce: ${(err as Error).message}`)
    }
    this.publisher.addPending(id, c)
    this.counters.announced++
    this.schedulePublish(false)
    const url = this.httpUrl()
    const data = encodeAnnouncement({ cacheId: id, cid: c, peer: this.peerId, seq: this.publisher.currentSeq + 1, ...(url != null ? { url } : {}) })
    const result = await this.c.helia.libp2p.services.pubsub.publish(this.topic, data)
    return { recipients: result.recipients.length }
  }

  /**
   * The hints first; a peer that just (re)connected has its state resolved first (a bounded wait). A miss
   * then asks every connected peer at once, and when none holds it, the few providers the LAN DHT names:
   * an evicted or never-seen hint costs round trips, never a render of what the cluster has.
   */
  async lookup (cacheId: CacheId, options: { signal?: AbortSignal } = {}): Promise<{ cid: Cid, peer?: string } | undefined> {
    options.signal?.throwIfAborted()
    let hint = await this.hints.get(cacheId)
    if (hint == null && this.running && this.catchUp != null && this.catchUp.pendingPeers().length > 0) {
      await this.catchUp.waitForPending(this.s.peerStateWaitMs, options.signal)
      hint = await this.hints.get(cacheId)
    }
    if (hint == null && this.running) hint = await this.askPeers(cacheId, options.signal)
    return hint == null ? undefined : { cid: hint.cid, peer: hint.peer }
  }

  private async askPeers (cacheId: CacheId, signal?: AbortSignal): Promise<RemoteHint | undefined> {
    this.counters.asked++
    const connected = this.c.helia.libp2p.getPeers().map(String)
    let found = await this.whoHas.ask(connected, cacheId, signal)
    if (found == null) found = await this.whoHas.ask(await this.whoHas.providers(cacheId, new Set(connected), signal), cacheId, signal)
    if (found == null) return undefined
    this.counters.askedFound++
    const hint = { cid: found.cid, peer: found.peer, seq: 0 }
    await this.setHint(cacheId, hint)
    return hint
  }

  private async setHint (cacheId: CacheId, hint: RemoteHint): Promise<void> {
    this.directory.addProvider(hint.cid, hint.peer)
    this.handOver?.offer(cacheId, hint.cid, hint.peer)
    await this.hints.set(cacheId, hint)
  }

  /** hints stored now (entries and bytes) */
  async hintSize (): Promise<{ entries: number, bytes: number }> {
    return await this.hints.size()
  }

  async publishNow (options: { signal?: AbortSignal, scan?: boolean } = {}): Promise<PublishReport> {
    options.signal?.throwIfAborted()
    this.assertRunning()
    const signal = AbortSignal.any([this.shutdown.signal, ...(options.signal != null ? [options.signal] : [])])
    const run = async (): Promise<PublishReport> => {
      // a worker lists only what it announced itself: the index it shares is its node's
      if (options.scan !== false && this.s.role === 'node') await this.publisher.scanLocal(signal)
      const report = await this.publisher.publish(signal)
      this.lastPublish = report
      if (report.compacted) this.counters.compactions++
      if (report.reached) {
        this.counters.published++
        this.log.debug({ ...report }, 'manifest published')
      } else {
        this.counters.publishUnreached++
        // alone there is no one to reach: the record waits in the local store for peers that come
        if (report.peers === 0) this.log.debug({ ...report }, 'manifest kept locally: no peer connected')
        else this.log.warn({ ...report }, 'manifest publish reached no peer; retrying next tick')
      }
      return report
    }
    const next = this.publishing.catch(() => undefined).then(run)
    this.publishing = next.catch(() => undefined)
    return await next
  }

  async resolvePeer (peer: string, options: { signal?: AbortSignal } = {}): Promise<ResolveReport> {
    options.signal?.throwIfAborted()
    this.assertRunning()
    const signal = AbortSignal.any([this.shutdown.signal, ...(options.signal != null ? [options.signal] : [])])
    const { fetch } = this.c.helia.libp2p.services
    const deps = {
      store: this.c.store, hints: { set: async (cacheId: CacheId, hint: RemoteHint) => { await this.setHint(cacheId, hint) } }, state: this.state, clusterKeyHash: this.s.keyHash, timeoutMs: this.s.resolveTimeoutMs,
      nameOf: async (p: PeerId, s: AbortSignal) => await fetchPeerName(fetch, this.c.helia.keychain, p, s)
    }
    try {
      const report = await resolvePeer(deps, peer, signal)
      this.counters.resolved++
      this.directory.setUrl(peer, report.url)
      this.counters.merged += report.merged
      if (report.skipped === 'foreign') this.foreign.set(peer, Date.now() + FOREIGN_PEER_SKIP_MS)
      if (report.merged > 0) this.log.info({ ...report }, 'merged peer state')
      return report
    } catch (err) {
      this.counters.resolveFailed++
      throw err
    }
  }

  async resolveAll (options: { signal?: AbortSignal } = {}): Promise<ResolveReport[]> {
    options.signal?.throwIfAborted()
    this.assertRunning()
    const now = Date.now()
    const peers = this.c.helia.libp2p.getPeers().map(String).filter((p) => (this.foreign.get(p) ?? 0) < now)
    const reports: ResolveReport[] = []
    for (let i = 0; i < peers.length; i += RESOLVE_CONCURRENCY) {
      const results = await Promise.allSettled(peers.slice(i, i + RESOLVE_CONCURRENCY).map(async (p) => await this.resolveOnce(p, options.signal)))
      for (const r of results) if (r.status === 'fulfilled' && r.value != null) reports.push(r.value)
    }
    return reports
  }

  status (): SyncStatus {
    return {
      running: this.running,
      peer: this.running ? this.peerId : '',
      topic: this.topic,
      seq: this.publisher.currentSeq,
      count: this.publisher.currentCount,
      manifest: this.publisher.currentManifest,
      snapshot: this.publisher.currentSnapshot,
      tail: this.publisher.tailLength,
      pending: this.publisher.pendingCount,
      hintsEvicted: this.hints.evicted,
      provided: this.whoHas.provided,
      lastPublish: this.lastPublish,
      ...this.counters
    }
  }

  async peerUrl (peer: string, options: { signal?: AbortSignal, fresh?: boolean } = {}): Promise<string | undefined> {
    options.signal?.throwIfAborted()
    return await this.directory.urlOf(peer, options)
  }

  providersOf (cid: string): string[] {
    return this.directory.providersOf(cid)
  }

  /** one resolve per peer at a time; failures are logged, not thrown (background use) */
  private async resolveOnce (peer: string, signal?: AbortSignal): Promise<ResolveReport | undefined> {
    const inFlight = this.resolving.get(peer)
    if (inFlight != null) return await inFlight
    const p = this.resolvePeer(peer, { signal })
      .catch((err: Error) => { this.log.debug({ peer, err: err.message }, 'peer resolve failed'); return undefined })
      .finally(() => this.resolving.delete(peer))
    this.resolving.set(peer, p)
    return await p
  }

  private tick (): void {
    if (!this.running) return
    this.forgetGone()
    // announcements feed the next manifest; the local index is scanned at start only
    this.publishNow({ scan: false }).catch((err: Error) => { if (this.running) this.log.error({ err: err.message }, 'manifest publish failed') })
    // a worker's node merges its peers' states into the index they share
    if (this.s.role === 'worker') return
    this.resolveAll().catch((err: Error) => { if (this.running) this.log.error({ err: err.message }, 'peer resolve failed') })
  }

  private schedulePublish (scan: boolean): void {
    if (this.debounce != null) return
    this.debounce = setTimeout(() => {
      this.debounce = undefined
      if (!this.running) return
      this.publishNow({ scan }).catch((err: Error) => { if (this.running) this.log.error({ err: err.message }, 'manifest publish failed') })
    }, this.s.debounceMs)
    this.debounce.unref()
  }

  private readonly onMessage = (evt: CustomEvent<Message>): void => {
    const msg = evt.detail
    if (msg.topic !== this.topic) return
    // unsigned messages have no trustworthy sender; our own come back only in odd configurations
    if (msg.type !== 'signed' || msg.from.equals(this.c.helia.libp2p.peerId)) return
    const from = msg.from.toString()
    let announcement
    try {
      announcement = decodeAnnouncement(msg.data, from)
    } catch (err) {
      this.counters.gossipRejected++
      this.log.debug({ peer: from, err: (err as Error).message }, 'dropped gossip announcement')
      return
    }
    this.counters.gossipReceived++
    this.directory.setUrl(from, announcement.url)
    this.setHint(announcement.cacheId, { cid: announcement.cid, peer: from, seq: announcement.seq })
      .catch((err: Error) => this.log.error({ err: err.message }, 'could not store announced hint'))
  }

  /** a peer that (re)connects may have restarted elsewhere, or be a worker that was not one before */
  private readonly onPeerDisconnect = (evt: CustomEvent<PeerId>): void => {
    this.gone.set(evt.detail.toString(), Date.now())
  }

  /** peers gone longer than `peerForgetMs`: their cursor, URL and IPNS record topic (if subscribed) go */
  private forgetGone (): void {
    const before = Date.now() - this.s.peerForgetMs
    const pubsub = this.c.helia.libp2p.services.pubsub
    const topics = new Set(pubsub.getTopics())
    for (const [peer, since] of this.gone) {
      if (since > before) continue
      this.gone.delete(peer)
      this.directory.forgetUrl(peer)
      this.foreign.delete(peer)
      const topic = ipnsTopicOf(peerIdFromString(peer))
      if (topics.has(topic)) pubsub.unsubscribe(topic)
      this.state.forgetPeer(peer).catch((err: Error) => this.log.warn({ peer, err: err.message }, 'could not forget a peer'))
    }
  }

  private readonly onPeerConnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    this.gone.delete(peer)
    this.directory.forgetUrl(peer)
    this.handOver?.forget(peer)
  }

  private async subscribeOwnName (): Promise<void> {
    const key = this.c.helia.libp2p.peerId.toMultihash()
    for await (const r of this.ipns().resolve(key, { nocache: true, signal: AbortSignal.any([this.shutdown.signal, AbortSignal.timeout(this.s.resolveTimeoutMs)]) })) void r
  }

  private ipns (): IPNS {
    if (this.name == null) throw new SyncNotStartedError('state sync is not started')
    return this.name
  }

  private assertRunning (): void {
    if (!this.running) throw new SyncNotStartedError('state sync is not started')
  }
}

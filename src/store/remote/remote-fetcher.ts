import { CID } from 'multiformats/cid'
import { pullCar, pullCarHttp, type ImportCarResult, type PullOptions } from '../car/index.js'
import { DEFAULT_BULK_TIMEOUT_MS, DEFAULT_MAX_CANDIDATES } from './constants.js'
import { failureOf, kindOf, nobodyToAsk, type AttemptFailure } from './outcome.js'
import { ContentProviders } from './providers.js'
import { PullBlocks } from './pull-blocks.js'
import type { BulkFetchResult, BulkFetchStats, RemoteFetcher, RemoteFetcherComponents, RemoteFetcherInit, RemotePull } from './index.js'
import type { Logger } from '../../util/index.js'
import type { InflightBlocks } from '../holds.js'

export class RemoteFetcherImpl implements RemoteFetcher {
  readonly stats: BulkFetchStats = { http: 0, libp2p: 0, failed: 0 }
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly maxCandidates: number
  private readonly inflight = new Map<string, RemotePull>()
  private readonly providers: ContentProviders

  constructor (private readonly c: RemoteFetcherComponents, init: RemoteFetcherInit) {
    this.log = c.logger.child({ component: 'store:remote' })
    this.timeoutMs = init.timeoutMs ?? DEFAULT_BULK_TIMEOUT_MS
    this.maxCandidates = init.maxCandidates ?? DEFAULT_MAX_CANDIDATES
    this.providers = new ContentProviders(c.helia.libp2p.contentRouting, this.log)
  }

  provide (cid: string): void {
    this.providers.provide(CID.parse(cid))
  }

  open (cid: string, options: { peers?: string[], inflight?: InflightBlocks } = {}): RemotePull {
    const root = CID.parse(cid)
    const key = root.toString()
    // one transfer per CID, whoever asks; it runs on its own deadlines, never on a caller's signal
    const shared = this.inflight.get(key)
    if (shared != null) return shared
    const blocks = new PullBlocks(root)
    const done = this.run(root, options.peers ?? [], blocks, options.inflight)
    const pull: RemotePull = {
      done,
      block: async (c, read, signal) => await blocks.block(c, read, signal)
    }
    this.inflight.set(key, pull)
    done.then(() => { blocks.end() }, (err: Error) => { blocks.end(err) }).finally(() => this.inflight.delete(key)).catch(() => {})
    return pull
  }

  running (cid: string): RemotePull | undefined {
    return this.inflight.get(CID.parse(cid).toString())
  }

  async fetch (cid: string, options: { signal?: AbortSignal, peers?: string[], inflight?: InflightBlocks } = {}): Promise<BulkFetchResult> {
    options.signal?.throwIfAborted()
    const shared = this.open(cid, options).done
    if (options.signal == null) return await shared
    const signal = options.signal
    return await new Promise<BulkFetchResult>((resolve, reject) => {
      const onAbort = (): void => { reject(signal.reason as Error) }
      signal.addEventListener('abort', onAbort, { once: true })
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {})
    })
  }

  /**
   * Who to ask, in one order, each with its HTTP URL when it has one: first the peers known to hold the
   * DAG (hinted, announced), then connected workers (no URL: they hold only what they rendered, which no
   * one else has until it is fetched from them), then connected nodes. The URLs are asked of all at once.
   */
  private async candidates (root: CID, hinted: string[]): Promise<Array<{ peer: string, url?: string }>> {
    const known = new Set([...hinted, ...this.c.peers.providersOf(root.toString())])
    const found = await this.withUrls([...new Set([...known, ...this.c.helia.libp2p.getPeers().map(String)])])
    const rank = (c: { peer: string, url?: string }): number => known.has(c.peer) ? 0 : c.url == null ? 1 : 2
    return found.sort((x, y) => rank(x) - rank(y)).slice(0, this.maxCandidates)
  }

  private async run (root: CID, hinted: string[], blocks: PullBlocks, held?: InflightBlocks): Promise<BulkFetchResult> {
    const cid = root.toString()
    const peers = await this.candidates(root, hinted)
    if (peers.length === 0) {
      this.stats.failed++
      throw nobodyToAsk(cid)
    }
    this.log.info({ cid, candidates: peers.length }, 'bulk fetch started')
    const failures: AttemptFailure[] = []
    const started = performance.now()
    let arrived = 0
    const pullOptions: PullOptions = {
      ...(held != null ? { inflight: held } : {}),
      onVerified: (c, bytes) => { arrived++; blocks.verified(c, bytes) },
      onWritten: (c) => { blocks.written(c) }
    }
    const attempt = async <T>(what: string, go: () => Promise<T>): Promise<T | AttemptFailure> => {
      const before = arrived
      try {
        return await go()
      } catch (err) {
        const e = err as Error
        const failure = { kind: kindOf(e, arrived - before), text: `${what}: ${e.name}: ${e.message}` }
        failures.push(failure)
        this.log.warn({ cid, what, err: e.message, name: e.name, kind: failure.kind }, 'bulk fetch attempt failed')
        return failure
      }
    }
    const done = (path: BulkFetchResult['path'], peer: string, r: ImportCarResult, url?: string): BulkFetchResult => {
      const ms = performance.now() - started
      this.stats[path]++
      const result: BulkFetchResult = { path, peer, blocks: r.blocks, bytes: r.bytes, ms, ...(url != null ? { url } : {}) }
      this.log.info({ cid, ...result, mbps: Math.round(r.bytes / 1e3 / Math.max(ms, 1)) }, 'bulk fetch complete')
      return result
    }
    // one pass in candidate order, each peer by its own path: a peer that says "not here" is not asked again
    const tryEach = async (list: Array<{ peer: string, url?: string }>): Promise<BulkFetchResult | undefined> => {
      for (const { peer, url } of list) {
        if (url != null) {
          const outcome = await this.viaHttp(root, peer, url, pullOptions, attempt)
          if (outcome === 'absent') continue
          if (outcome != null) return done('http', peer, outcome.result, outcome.url)
        }
        // a worker (no URL), or a node whose HTTP server did not deliver: the libp2p connection (dialled if need be)
        const result = await attempt(`libp2p ${peer}`, async () => await pullCar(this.c.helia, peer, root, { timeoutMs: this.timeoutMs, ...pullOptions }))
        if (!isFailure(result)) return done('libp2p', peer, result)
      }
      return undefined
    }
    const fromKnown = await tryEach(peers)
    if (fromKnown != null) return fromKnown
    // none of the peers known here has it: a holder this node has not met yet may have said so on the DHT
    const asked = new Set([...peers.map((p) => p.peer), this.c.helia.libp2p.peerId.toString()])
    const more = await this.withUrls(await this.providers.find(root, asked))
    if (more.length > 0) this.log.info({ cid, providers: more.length }, 'holders found on the DHT')
    const fromDht = await tryEach(more)
    if (fromDht != null) return fromDht
    this.stats.failed++
    throw failureOf(cid, peers.length + more.length, failures)
  }

  private async withUrls (peers: string[]): Promise<Array<{ peer: string, url?: string }>> {
    const urls = await Promise.all(peers.map(async (peer) => await this.c.peers.peerUrl(peer).catch(() => undefined)))
    return peers.map((peer, i) => ({ peer, ...(urls[i] != null ? { url: urls[i] } : {}) }))
  }

  /** HTTP CAR from a peer's URL (once more at a fresh URL when the one known did not answer); 'absent' when the peer answered it lacks the DAG */
  private async viaHttp (root: CID, peer: string, first: string, pullOptions: PullOptions, attempt: <T>(what: string, go: () => Promise<T>) => Promise<T | AttemptFailure>): Promise<{ result: ImportCarResult, url: string } | 'absent' | undefined> {
    let url: string | undefined = first
    for (let n = 0; url != null && n < 2; n++) {
      const at: string = url
      const clusterToken = this.c.clusterToken?.(root.toString())
      const result = await attempt(`http ${at} (peer ${peer})`, async () => await pullCarHttp(this.c.helia, at, root, { timeoutMs: this.timeoutMs, ...(clusterToken != null ? { clusterToken } : {}), ...pullOptions }))
      if (!isFailure(result)) return { result, url: at }
      if (result.kind === 'absent') return 'absent'
      // a URL learned earlier may be stale (the peer restarted elsewhere): ask the peer once more
      const fresh = result.kind === 'unreachable' && n === 0 ? await this.c.peers.peerUrl(peer, { fresh: true }).catch(() => undefined) : undefined
      url = fresh != null && fresh !== at ? fresh : undefined
    }
    return undefined
  }
}

function isFailure (value: unknown): value is AttemptFailure {
  return typeof value === 'object' && value != null && 'kind' in value && 'text' in value
}

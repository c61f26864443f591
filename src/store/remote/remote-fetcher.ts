import { CID } from 'multiformats/cid'
import { pullCar, pullCarHttp, type ImportCarResult } from '../car/index.js'
import { DEFAULT_BULK_TIMEOUT_MS, DEFAULT_MAX_CANDIDATES } from './constants.js'
import { BulkFetchFailedError, NoBulkSourceError } from './errors.js'
import type { BulkFetchResult, BulkFetchStats, RemoteFetcher, RemoteFetcherComponents, RemoteFetcherInit } from './index.js'
import type { Logger } from '../../util/index.js'
import type { InflightBlocks } from '../holds.js'

/** a peer's answer that it does not hold the DAG: asking it again by another path is pointless */
const NOT_THERE = 'CarRemoteError'
/** the URL did not answer at all */
const UNREACHABLE = 'CarPeerUnreachableError'

export class RemoteFetcherImpl implements RemoteFetcher {
  readonly stats: BulkFetchStats = { http: 0, libp2p: 0, failed: 0 }
  private readonly log: Logger
  private readonly timeoutMs: number
  private readonly maxCandidates: number
  private readonly inflight = new Map<string, Promise<BulkFetchResult>>()

  constructor (private readonly c: RemoteFetcherComponents, init: RemoteFetcherInit) {
    this.log = c.logger.child({ component: 'store:remote' })
    this.timeoutMs = init.timeoutMs ?? DEFAULT_BULK_TIMEOUT_MS
    this.maxCandidates = init.maxCandidates ?? DEFAULT_MAX_CANDIDATES
  }

  async fetch (cid: string, options: { signal?: AbortSignal, peers?: string[], inflight?: InflightBlocks } = {}): Promise<BulkFetchResult> {
    options.signal?.throwIfAborted()
    const root = CID.parse(cid)
    const key = root.toString()
    // one transfer per CID; a caller that gives up does not abort the others' transfer
    let shared = this.inflight.get(key)
    if (shared == null) {
      shared = this.run(root, options.peers ?? [], options.inflight).finally(() => this.inflight.delete(key))
      this.inflight.set(key, shared)
    }
    if (options.signal == null) return await shared
    const signal = options.signal
    return await new Promise<BulkFetchResult>((resolve, reject) => {
      const onAbort = (): void => { reject(signal.reason as Error) }
      signal.addEventListener('abort', onAbort, { once: true })
      shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  /**
   * Who to ask, in one order, each with its HTTP URL when it has one: first the peers known to hold the
   * DAG (hinted, announced), then connected workers (no URL: they hold only what they rendered, which no
   * one else has until it is fetched from them), then connected nodes. The URLs are asked of all at once.
   */
  private async candidates (root: CID, hinted: string[]): Promise<Array<{ peer: string, url?: string }>> {
    const known = new Set([...hinted, ...this.c.peers.providersOf(root.toString())])
    const all = [...new Set([...known, ...this.c.helia.libp2p.getPeers().map(String)])]
    const urls = await Promise.all(all.map(async (peer) => await this.c.peers.peerUrl(peer).catch(() => undefined)))
    const found = all.map((peer, i) => ({ peer, ...(urls[i] != null ? { url: urls[i] } : {}) }))
    const rank = (c: { peer: string, url?: string }): number => known.has(c.peer) ? 0 : c.url == null ? 1 : 2
    return found.sort((x, y) => rank(x) - rank(y)).slice(0, this.maxCandidates)
  }

  private async run (root: CID, hinted: string[], held?: InflightBlocks): Promise<BulkFetchResult> {
    const peers = await this.candidates(root, hinted)
    if (peers.length === 0) {
      this.stats.failed++
      throw new NoBulkSourceError(`no peer to fetch ${root.toString()} from in bulk: none is connected or known to hold it`)
    }
    const reasons: string[] = []
    const started = performance.now()
    const done = (path: BulkFetchResult['path'], peer: string, r: ImportCarResult, url?: string): BulkFetchResult => {
      const ms = performance.now() - started
      this.stats[path]++
      const result: BulkFetchResult = { path, peer, blocks: r.blocks, bytes: r.bytes, ms, ...(url != null ? { url } : {}) }
      this.log.info({ cid: root.toString(), ...result, mbps: Math.round(r.bytes / 1e3 / Math.max(ms, 1)) }, 'bulk fetch complete')
      return result
    }
    // one pass in candidate order, each peer by its own path: no round of misses first. The shared
    // transfer has its own deadlines (connect + inactivity per attempt), not a caller's signal
    for (const { peer, url } of peers) {
      if (url != null) {
        const outcome = await this.viaHttp(root, peer, url, reasons, held)
        if (outcome === 'not-there') continue
        if (outcome != null) return done('http', peer, outcome.result, outcome.url)
      }
      // a worker (no URL), or a node whose HTTP server did not answer: the libp2p connection
      try {
        return done('libp2p', peer, await pullCar(this.c.helia, peer, root, { timeoutMs: this.timeoutMs, ...(held != null ? { inflight: held } : {}) }))
      } catch (err) {
        const e = err as Error
        reasons.push(`libp2p ${peer}: ${e.name}: ${e.message}`)
        this.log.debug({ cid: root.toString(), peer, err: e.message, name: e.name }, 'bulk libp2p CAR fetch failed')
      }
    }
    this.stats.failed++
    throw new BulkFetchFailedError(`could not fetch ${root.toString()} in bulk from ${peers.length} peer(s): ${reasons.join('; ')}`)
  }

  /** HTTP CAR from a peer's URL (once more at a fresh URL when the one known did not answer); 'not-there' when the peer answered it lacks the DAG */
  private async viaHttp (root: CID, peer: string, first: string, reasons: string[], held?: InflightBlocks): Promise<{ result: ImportCarResult, url: string } | 'not-there' | undefined> {
    let url: string | undefined = first
    for (let attempt = 0; url != null && attempt < 2; attempt++) {
      try {
        const clusterToken = this.c.clusterToken?.(root.toString())
        return { result: await pullCarHttp(this.c.helia, url, root, { timeoutMs: this.timeoutMs, ...(clusterToken != null ? { clusterToken } : {}), ...(held != null ? { inflight: held } : {}) }), url }
      } catch (err) {
        const e = err as Error
        reasons.push(`http ${url}: ${e.name}: ${e.message}`)
        this.log.warn({ cid: root.toString(), peer, url, err: e.message, name: e.name }, 'bulk HTTP CAR fetch failed')
        if (e.name === NOT_THERE) return 'not-there'
        // a URL learned earlier may be stale (the peer restarted elsewhere): ask the peer once more
        const fresh = e.name === UNREACHABLE && attempt === 0 ? await this.c.peers.peerUrl(peer, { fresh: true }).catch(() => undefined) : undefined
        url = fresh != null && fresh !== url ? fresh : undefined
      }
    }
    return undefined
  }
}

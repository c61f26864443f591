import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { asCid, type Cid } from '../dag/index.js'
import { MERGE_CONCURRENCY } from './constants.js'
import { InvalidManifestError, PeerResolveError } from './errors.js'
import { parseBatch, parseManifest, type StateBatch } from './manifest.js'
import type { SyncStateStore } from './sync-state.js'
import type { CacheIndex } from '../state/index.js'
import type { ContentStore } from '../store/index.js'
import type { PeerId } from '@libp2p/interface'

export interface ResolveReport {
  peer: string
  manifest?: Cid
  /** the peer's newest batch seq */
  seq: number
  /** entries merged by this resolve */
  merged: number
  /** the HTTP base URL the peer advertises (bulk CAR path), when it does */
  url?: string
  /** why nothing was fetched */
  skipped?: 'unchanged' | 'foreign'
  /** time to resolve the IPNS name, and the whole resolve */
  nameMs: number
  durationMs: number
}

export interface ResolverDeps {
  store: Pick<ContentStore, 'getJson'>
  remoteIndex: Pick<CacheIndex, 'setRemote'>
  state: SyncStateStore
  /** the value of the peer's IPNS record (its manifest path), asked of the peer; undefined when it has none */
  nameOf: (peer: PeerId, signal: AbortSignal) => Promise<string | undefined>
  clusterKeyHash: string
  timeoutMs: number
}

/**
 * Resolves a peer's IPNS name (its PeerId) by asking the peer, fetches the batches newer than the
 * cursor kept for that peer, and merges their entries as hints (oldest batch first).
 */
export async function resolvePeer (deps: ResolverDeps, peer: string, signal?: AbortSignal): Promise<ResolveReport> {
  signal?.throwIfAborted()
  const started = Date.now()
  const timeout = (): AbortSignal => AbortSignal.any([AbortSignal.timeout(deps.timeoutMs), ...(signal != null ? [signal] : [])])
  const peerId = peerIdFromString(peer)
  let value: string | undefined
  try {
    value = await deps.nameOf(peerId, timeout())
  } catch (err) {
    signal?.throwIfAborted()
    throw new PeerResolveError(`could not resolve the IPNS name of ${peer}: ${(err as Error).message}`)
  }
  if (value == null) throw new PeerResolveError(`${peer} has no IPNS record (yet)`)
  const manifestCid = parseIpfsPath(value, peer)
  const nameMs = Date.now() - started
  const ms = (): { nameMs: number, durationMs: number } => ({ nameMs, durationMs: Date.now() - started })
  const cursor = await deps.state.getPeer(peer)
  if (cursor.manifest === manifestCid) return { peer, manifest: manifestCid, seq: cursor.seq, merged: 0, skipped: 'unchanged', ...(cursor.url != null ? { url: cursor.url } : {}), ...ms() }

  const manifest = parseManifest(await deps.store.getJson(manifestCid, { signal: timeout(), timeoutMs: deps.timeoutMs }), manifestCid)
  if (manifest.clusterKeyHash !== deps.clusterKeyHash) return { peer, manifest: manifestCid, seq: manifest.seq, merged: 0, skipped: 'foreign', ...ms() }
  if (manifest.peer !== peer) throw new InvalidManifestError(`manifest peer ${manifest.peer} is not the IPNS name owner ${peer} of ${manifestCid}`)

  // a peer whose seq went backwards lost its state: merge its new chain from the start
  const since = manifest.seq < cursor.seq ? 0 : cursor.seq
  // the newest batches are linked from the manifest: ask for the ones needed all at once, then walk the chain
  const fetchBatch = async (where: string): Promise<unknown> => await deps.store.getJson(asCid(where), { signal: timeout(), timeoutMs: deps.timeoutMs })
  const prefetched = new Map((manifest.recent ?? []).slice(0, manifest.seq - since).map((cid) => {
    const fetching = fetchBatch(cid.toString())
    fetching.catch(() => {}) // a batch the walk does not reach is not waited for
    return [cid.toString(), fetching] as const
  }))
  const batches: StateBatch[] = []
  let next = manifest.batches
  while (next != null) {
    const where = next.toString()
    const batch = parseBatch(await (prefetched.get(where) ?? fetchBatch(where)), where)
    if (batch.seq <= since) break
    batches.push(batch)
    next = batch.prev
  }
  let merged = 0
  for (const batch of batches.reverse()) {
    // concurrent calls let ioredis pipeline them; a batch never names a cache id twice
    for (let i = 0; i < batch.entries.length; i += MERGE_CONCURRENCY) {
      signal?.throwIfAborted()
      const slice = batch.entries.slice(i, i + MERGE_CONCURRENCY)
      await Promise.all(slice.map(async ([cacheId, cid]) => { await deps.remoteIndex.setRemote(cacheId, { cid, peer, seq: batch.seq }) }))
      merged += slice.length
    }
  }
  const url = manifest.url != null ? { url: manifest.url } : {}
  await deps.state.setPeer(peer, { seq: manifest.seq, manifest: manifestCid, ...url })
  return { peer, manifest: manifestCid, seq: manifest.seq, merged, ...url, ...ms() }
}

function parseIpfsPath (value: string | undefined, peer: string): Cid {
  const text = value?.startsWith('/ipfs/') === true ? value.slice('/ipfs/'.length) : undefined
  try {
    if (text == null) throw new Error('no /ipfs/ path')
    return asCid(CID.parse(text).toString())
  } catch {
    throw new InvalidManifestError(`IPNS record of ${peer} does not point to a CID: ${String(value).slice(0, 80)}`)
  }
}

import { peerIdFromString } from '@libp2p/peer-id'
import { CID } from 'multiformats/cid'
import { asCid, type Cid } from '../dag/index.js'
import { MERGE_CONCURRENCY } from './constants.js'
import { InvalidManifestError, PeerResolveError } from './errors.js'
import { parseBatch, parseManifest } from './manifest.js'
import type { HintIndex } from './hint-index.js'
import type { SyncStateStore } from './sync-state.js'
import type { ContentStore } from '../store/index.js'
import type { PeerId } from '@libp2p/interface'

export interface ResolveReport {
  peer: string
  manifest?: Cid
  /** the peer's newest batch seq */
  seq: number
  /** entries merged by this resolve (tail entries; the snapshot's are looked up when needed) */
  merged: number
  /** blocks fetched: the manifest and the tail batches not seen before (never more than 1 + MAX_TAIL_BATCHES) */
  fetches: number
  /** root of the peer's snapshot */
  snapshot?: string
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
  hints: Pick<HintIndex, 'set'>
  state: SyncStateStore
  /** the value of the peer's IPNS record (its manifest path), asked of the peer; undefined when it has none */
  nameOf: (peer: PeerId, signal: AbortSignal) => Promise<string | undefined>
  clusterKeyHash: string
  timeoutMs: number
}

/**
 * Resolves a peer's IPNS name (its PeerId) by asking the peer, fetches its manifest and, all at once,
 * the tail batches newer than the cursor kept for that peer, and merges their entries as hints. What the
 * peer folded into its snapshot is not fetched: a lookup asks the peer for one cache id when it needs it.
 * However long the peer's history, this is at most 1 + MAX_TAIL_BATCHES fetches.
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
  const known = { ...(cursor.url != null ? { url: cursor.url } : {}), ...(cursor.snapshot != null ? { snapshot: cursor.snapshot } : {}) }
  if (cursor.manifest === manifestCid) return { peer, manifest: manifestCid, seq: cursor.seq, merged: 0, fetches: 0, skipped: 'unchanged', ...known, ...ms() }

  const manifest = parseManifest(await deps.store.getJson(manifestCid, { signal: timeout(), timeoutMs: deps.timeoutMs }), manifestCid)
  if (manifest.clusterKeyHash !== deps.clusterKeyHash) return { peer, manifest: manifestCid, seq: manifest.seq, merged: 0, fetches: 1, skipped: 'foreign', ...ms() }
  if (manifest.peer !== peer) throw new InvalidManifestError(`manifest peer ${manifest.peer} is not the IPNS name owner ${peer} of ${manifestCid}`)

  // a peer whose seq went backwards lost its state: everything in its tail is new
  const since = manifest.seq < cursor.seq ? 0 : cursor.seq
  // tail batches carry consecutive seqs, newest first: the first (manifest.seq - since) are the new ones
  const wanted = manifest.tail.slice(0, Math.max(0, manifest.seq - since))
  const batches = await Promise.all(wanted.map(async (cid) => parseBatch(await deps.store.getJson(asCid(cid.toString()), { signal: timeout(), timeoutMs: deps.timeoutMs }), cid.toString())))
  let merged = 0
  for (const batch of batches.reverse()) {
    if (batch.seq <= since) continue
    // concurrent calls let ioredis pipeline them; a batch never names a cache id twice
    for (let i = 0; i < batch.entries.length; i += MERGE_CONCURRENCY) {
      signal?.throwIfAborted()
      const slice = batch.entries.slice(i, i + MERGE_CONCURRENCY)
      await Promise.all(slice.map(async ([cacheId, cid]) => { await deps.hints.set(cacheId, { cid, peer, seq: batch.seq }) }))
      merged += slice.length
    }
  }
  const url = manifest.url != null ? { url: manifest.url } : {}
  const snapshot = manifest.snapshot != null ? { snapshot: manifest.snapshot.toString() } : {}
  await deps.state.setPeer(peer, { seq: manifest.seq, manifest: manifestCid, ...url, ...snapshot })
  return { peer, manifest: manifestCid, seq: manifest.seq, merged, fetches: 1 + wanted.length, ...snapshot, ...url, ...ms() }
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

import { CID } from 'multiformats/cid'
import { asCid, isHexId, type CacheId, type Cid } from '../dag/index.js'
import { MANIFEST_TYPE, MANIFEST_VERSION, MAX_BATCH_ENTRIES, MAX_TAIL_BATCHES } from './constants.js'
import { InvalidManifestError } from './errors.js'
import { parsePeerUrl } from './peer-directory.js'

/**
 * The state a node publishes under its IPNS name (DAG-JSON in Helia): a snapshot (a prefix tree of
 * every entry up to `snapshotSeq`, see snapshot.ts) plus a short tail of the batches published since,
 * newest first. A peer that catches up fetches the manifest and the tail batches it has not seen, all at
 * once; entries of the snapshot are looked up one by one when needed. Output CIDs in entries are
 * strings, not links: pinning the manifest pins the snapshot and the tail, never the outputs.
 */
export interface StateManifest {
  type: typeof MANIFEST_TYPE
  version: typeof MANIFEST_VERSION
  /** PeerId of the publisher (its IPNS name) */
  peer: string
  /** cluster the manifest belongs to: peers with another key ignore it */
  clusterKeyHash: string
  /** seq of the newest batch (0 = none yet) */
  seq: number
  /** root of the snapshot, or null before the first compaction */
  snapshot: CID | null
  /** seq of the newest batch folded into the snapshot */
  snapshotSeq: number
  /** batches after the snapshot, newest first */
  tail: CID[]
  /** entries in snapshot and tail */
  count: number
  updatedAt: string
  /** HTTP base URL of the publisher's API (the bulk CAR path) */
  url?: string
}

export interface StateBatch {
  seq: number
  entries: Array<[CacheId, Cid]>
}

function fail (what: string, cid: string): never {
  throw new InvalidManifestError(`${what} of ${cid}`)
}

function isSeq (v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
}

/** Checks a decoded manifest; `where` is its CID, for messages */
export function parseManifest (value: unknown, where: string): StateManifest {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) fail('manifest is not an object', where)
  const v = value as Record<string, unknown>
  if (v.type !== MANIFEST_TYPE) fail(`manifest type is ${JSON.stringify(v.type)}, not "${MANIFEST_TYPE}"`, where)
  if (v.version !== MANIFEST_VERSION) fail(`manifest version ${JSON.stringify(v.version)} is not supported`, where)
  if (typeof v.peer !== 'string' || v.peer === '') fail('manifest peer is missing', where)
  if (typeof v.clusterKeyHash !== 'string' || !isHexId(v.clusterKeyHash)) fail('manifest clusterKeyHash is not 64 hex characters', where)
  if (!isSeq(v.seq) || !isSeq(v.snapshotSeq) || v.snapshotSeq > v.seq) fail('manifest seq or snapshotSeq is not a non-negative integer (snapshotSeq <= seq)', where)
  const snapshot = v.snapshot === null ? null : (CID.asCID(v.snapshot) ?? undefined)
  if (snapshot === undefined) fail('manifest snapshot is not a CID link or null', where)
  const tail = Array.isArray(v.tail) ? v.tail.map((c) => CID.asCID(c)) : [null]
  if (tail.length > MAX_TAIL_BATCHES || tail.some((c) => c == null)) fail(`manifest tail is not a list of at most ${MAX_TAIL_BATCHES} CID links`, where)
  if (!isSeq(v.count)) fail('manifest count is not a non-negative integer', where)
  const url = v.url === undefined ? undefined : parsePeerUrl(v.url)
  if (v.url !== undefined && url == null) fail('manifest url is not an http(s) URL', where)
  return {
    type: MANIFEST_TYPE,
    version: MANIFEST_VERSION,
    peer: v.peer,
    clusterKeyHash: v.clusterKeyHash,
    seq: v.seq,
    snapshot,
    snapshotSeq: v.snapshotSeq,
    tail: tail as CID[],
    count: v.count,
    updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : '',
    ...(url != null ? { url } : {})
  }
}

/** Checks a decoded batch; invalid entries make the whole batch invalid (a peer never half-merges) */
export function parseBatch (value: unknown, where: string): StateBatch {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) fail('batch is not an object', where)
  const v = value as Record<string, unknown>
  if (!isSeq(v.seq) || v.seq === 0) fail('batch seq is not a positive integer', where)
  if (!Array.isArray(v.entries) || v.entries.length > MAX_BATCH_ENTRIES) fail(`batch entries is not a list of at most ${MAX_BATCH_ENTRIES}`, where)
  const entries: Array<[CacheId, Cid]> = []
  const seen = new Set<string>()
  for (const [i, e] of (v.entries as unknown[]).entries()) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || !isHexId(e[0]) || typeof e[1] !== 'string') {
      fail(`batch entry ${i} is not [cacheId, cid]`, where)
    }
    let cid: Cid
    try {
      cid = asCid(e[1] as string)
    } catch {
      fail(`batch entry ${i} has an invalid CID`, where)
    }
    if (seen.has(e[0] as string)) fail(`batch entry ${i} repeats cache id ${e[0] as string}`, where)
    seen.add(e[0] as string)
    entries.push([e[0] as CacheId, cid])
  }
  return { seq: v.seq, entries }
}

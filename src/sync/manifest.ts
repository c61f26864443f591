import { CID } from 'multiformats/cid'
import { asCid, isHexId, type CacheId, type Cid } from '../dag/index.js'
import { MANIFEST_TYPE, MANIFEST_VERSION, RECENT_BATCHES } from './constants.js'
import { InvalidManifestError } from './errors.js'
import { parsePeerUrl } from './peer-directory.js'

/**
 * The state a node publishes under its IPNS name (DAG-JSON in Helia). Entries live in an
 * append-only chain of batches, newest first, so a peer that merged up to seq N fetches only the
 * batches with a higher seq. Output CIDs in entries are strings, not links: pinning the manifest
 * pins the chain, never the outputs.
 */
export interface StateManifest {
  type: typeof MANIFEST_TYPE
  version: typeof MANIFEST_VERSION
  /** PeerId of the publisher (its IPNS name) */
  peer: string
  /** cluster the manifest belongs to: peers with another key ignore it */
  clusterKeyHash: string
  /** seq of the newest batch (0 = no batch yet) */
  seq: number
  /** newest batch, or null */
  batches: CID | null
  /** entries in all batches */
  count: number
  /** CIDs this node published to L2 */
  published: Cid[]
  updatedAt: string
  /** HTTP base URL of the publisher's API (the bulk CAR path); absent in older manifests */
  url?: string
  /** the newest batches, newest first (`batches` first), at most RECENT_BATCHES; absent in older manifests */
  recent?: CID[]
}

export interface StateBatch {
  prev: CID | null
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
  if (!isSeq(v.seq)) fail('manifest seq is not a non-negative integer', where)
  const batches = v.batches === null ? null : (CID.asCID(v.batches) ?? undefined)
  if (batches === undefined || (batches === null && v.seq !== 0)) fail('manifest batches is not a CID link', where)
  if (!isSeq(v.count)) fail('manifest count is not a non-negative integer', where)
  if (!Array.isArray(v.published) || v.published.some((p) => typeof p !== 'string')) fail('manifest published is not a list of CIDs', where)
  const url = v.url === undefined ? undefined : parsePeerUrl(v.url)
  if (v.url !== undefined && url == null) fail('manifest url is not an http(s) URL', where)
  const recent = v.recent === undefined ? undefined : (Array.isArray(v.recent) ? v.recent.map((c) => CID.asCID(c)) : [null])
  if (recent != null && (recent.length > RECENT_BATCHES || recent.some((c) => c == null))) fail(`manifest recent is not a list of at most ${RECENT_BATCHES} CID links`, where)
  return {
    type: MANIFEST_TYPE,
    version: MANIFEST_VERSION,
    peer: v.peer,
    clusterKeyHash: v.clusterKeyHash,
    seq: v.seq,
    batches,
    count: v.count,
    published: v.published as Cid[],
    updatedAt: typeof v.updatedAt === 'string' ? v.updatedAt : '',
    ...(url != null ? { url } : {}),
    ...(recent != null ? { recent: recent as CID[] } : {})
  }
}

/** Checks a decoded batch; invalid entries make the whole batch invalid (a peer never half-merges) */
export function parseBatch (value: unknown, where: string): StateBatch {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) fail('batch is not an object', where)
  const v = value as Record<string, unknown>
  if (!isSeq(v.seq) || v.seq === 0) fail('batch seq is not a positive integer', where)
  const prev = v.prev === null ? null : (CID.asCID(v.prev) ?? undefined)
  if (prev === undefined) fail('batch prev is not a CID link or null', where)
  if (!Array.isArray(v.entries)) fail('batch entries is not a list', where)
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
  return { prev, seq: v.seq, entries }
}

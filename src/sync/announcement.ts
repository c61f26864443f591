import { asCid, isHexId, type CacheId, type Cid } from '../dag/index.js'
import { MAX_ANNOUNCEMENT_BYTES } from './constants.js'
import { InvalidAnnouncementError } from './errors.js'
import { parsePeerUrl } from './peer-directory.js'

/** A completed step, gossiped to the cluster: `{cacheId, cid, peer, seq}` as compact JSON */
export interface Announcement {
  cacheId: CacheId
  cid: Cid
  /** PeerId of the node that computed it (must be the gossip message's signer) */
  peer: string
  /** the manifest seq that will carry this entry */
  seq: number
  /** HTTP base URL of the announcing node (the bulk CAR path); older nodes leave it out */
  url?: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder('utf-8', { fatal: true })

export function encodeAnnouncement (a: Announcement): Uint8Array {
  return encoder.encode(JSON.stringify({ cacheId: a.cacheId, cid: a.cid, peer: a.peer, seq: a.seq, ...(a.url != null ? { url: a.url } : {}) }))
}

/**
 * Parses and checks an announcement; `from` is the signer of the gossip message.
 * Throws InvalidAnnouncementError naming the first problem.
 */
export function decodeAnnouncement (data: Uint8Array, from: string): Announcement {
  if (data.byteLength > MAX_ANNOUNCEMENT_BYTES) {
    throw new InvalidAnnouncementError(`announcement of ${data.byteLength} bytes exceeds ${MAX_ANNOUNCEMENT_BYTES} bytes`)
  }
  let value: unknown
  try {
    value = JSON.parse(decoder.decode(data))
  } catch {
    throw new InvalidAnnouncementError('announcement is not UTF-8 JSON')
  }
  if (value == null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidAnnouncementError('announcement is not a JSON object')
  }
  const v = value as Record<string, unknown>
  if (typeof v.cacheId !== 'string' || !isHexId(v.cacheId)) {
    throw new InvalidAnnouncementError('announcement cacheId is not 64 lowercase hex characters')
  }
  if (typeof v.cid !== 'string') throw new InvalidAnnouncementError('announcement cid is not a string')
  let cid: Cid
  try {
    cid = asCid(v.cid)
  } catch {
    throw new InvalidAnnouncementError(`announcement cid "${v.cid.slice(0, 80)}" is not a valid CID`)
  }
  if (v.peer !== from) {
    throw new InvalidAnnouncementError(`announcement peer ${String(v.peer).slice(0, 80)} is not its signer ${from}`)
  }
  if (typeof v.seq !== 'number' || !Number.isSafeInteger(v.seq) || v.seq < 0) {
    throw new InvalidAnnouncementError('announcement seq is not a non-negative integer')
  }
  const url = v.url === undefined ? undefined : parsePeerUrl(v.url)
  if (v.url !== undefined && url == null) throw new InvalidAnnouncementError('announcement url is not an http(s) URL')
  return { cacheId: v.cacheId as CacheId, cid, peer: from, seq: v.seq, ...(url != null ? { url } : {}) }
}

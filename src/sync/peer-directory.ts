import { peerIdFromString } from '@libp2p/peer-id'
import { HTTP_URL_FETCH_KEY, HTTP_URL_LOOKUP_TIMEOUT_MS, MAX_PEER_URL_LENGTH, MAX_PROVIDER_CIDS } from './constants.js'
import type { Fetch } from '@libp2p/fetch'

/** A peer's advertised HTTP base URL, or undefined when the value is not a plain http(s) URL */
export function parsePeerUrl (value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_PEER_URL_LENGTH) return undefined
  try {
    const url = new URL(value)
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') return undefined
    return value.replace(/\/+$/, '')
  } catch {
    return undefined
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * What this node knows about reaching its peers' content in bulk: each peer's HTTP base URL (from its
 * manifest, its announcements, or asked over libp2p fetch) and which peers said they hold a CID
 * (hints from sync, bounded, oldest forgotten first).
 */
export class PeerDirectory {
  private readonly urls = new Map<string, string>()
  private readonly providers = new Map<string, string[]>()

  constructor (private readonly fetch: () => Fetch | undefined, private readonly ownUrl: () => string | undefined) {}

  setUrl (peer: string, url: string | undefined): void {
    if (url != null) this.urls.set(peer, url)
  }

  /** a peer that (re)connects may have restarted on another port: ask it again next time */
  forgetUrl (peer: string): void {
    this.urls.delete(peer)
  }

  addProvider (cid: string, peer: string): void {
    const current = this.providers.get(cid)
    if (current?.includes(peer) === true) return
    this.providers.delete(cid)
    this.providers.set(cid, [peer, ...(current ?? [])].slice(0, 8))
    if (this.providers.size > MAX_PROVIDER_CIDS) this.providers.delete(this.providers.keys().next().value as string)
  }

  providersOf (cid: string): string[] {
    return [...(this.providers.get(cid) ?? [])]
  }

  /** the URL a peer advertised; asks the peer over libp2p fetch when none is known yet, or when `fresh` */
  async urlOf (peer: string, options: { signal?: AbortSignal, fresh?: boolean } = {}): Promise<string | undefined> {
    const known = this.urls.get(peer)
    if (known != null && options.fresh !== true) return known
    const fetch = this.fetch()
    if (fetch == null) return undefined
    try {
      const signal = AbortSignal.any([AbortSignal.timeout(HTTP_URL_LOOKUP_TIMEOUT_MS), ...(options.signal != null ? [options.signal] : [])])
      const value = await fetch.fetch(peerIdFromString(peer), HTTP_URL_FETCH_KEY, { signal })
      const url = value == null ? undefined : parsePeerUrl(decoder.decode(value))
      this.setUrl(peer, url)
      return url
    } catch {
      // an older peer without the key, or one that is gone: the caller falls back to libp2p
      return undefined
    }
  }

  /** answers `HTTP_URL_FETCH_KEY` on libp2p fetch with this node's own URL */
  readonly lookup = async (key: Uint8Array): Promise<Uint8Array | undefined> => {
    if (decoder.decode(key) !== HTTP_URL_FETCH_KEY) return undefined
    const url = this.ownUrl()
    return url == null ? undefined : encoder.encode(url)
  }
}

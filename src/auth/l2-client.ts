import type { Cid } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import {
  DEFAULT_CACHE_MAX_ENTRIES, DEFAULT_L2_TIMEOUT_MS, DEFAULT_PUBLISHED_CACHE_MS, DEFAULT_UNPUBLISHED_CACHE_MS,
  DEFAULT_VERIFY_CACHE_MS
} from './constants.js'
import { AuthConfigError, InvalidTokenError, TokenExpiredError, TokenRevokedError } from './errors.js'
import { callL2, type L2Call } from './l2-http.js'
import { parsePublished, parseVerify, type TokenCheck } from './l2-protocol.js'
import { checkTokenFormat, hashToken } from './tokens.js'
import { TtlCache } from './ttl-cache.js'

export type { TokenCheck } from './l2-protocol.js'

/** Who a token belongs to, as L2 vouches */
export interface L2Identity {
  username: string
  /** the L1 public URL the token is scoped to; undefined for an unscoped token */
  l1Server?: string
  expiresAt?: Date
}

export interface CallOptions {
  signal?: AbortSignal
}

/**
 * The L2 registry as L1 uses it. Protocol (implemented by test/fixtures/l2-server.ts):
 *
 * - `POST {l2}/auth/verify`, header `Authorization: Bearer <token>`, no body.
 *   200 `{valid: true, username, l1_server: string|null, expires_at?: unix seconds}`;
 *   401 `{valid: false, reason: 'malformed'|'bad-signature'|'expired'|'revoked'|..., username?, l1_server?}`
 *   (username/l1_server only when the signature is genuine). 5xx/429 mean "L2 unavailable".
 * - `GET {l2}/assets/by-cid/{cid}`: 200 (the asset, any JSON) when the content is published, 404 when not.
 */
export interface L2Client {
  /** base URL of L2, with a trailing slash */
  readonly server: string
  /**
   * Verifies a token with L2. A success is reused for a short time (never past the token's expiry);
   * callers must still check the local revocation list. Throws InvalidTokenError, TokenExpiredError,
   * TokenRevokedError, L2UnavailableError or L2ResponseError.
   */
  verifyToken(token: string, options?: CallOptions): Promise<L2Identity>
  /** Asks L2 about a token, uncached; returns L2's verdict instead of throwing for a rejected token */
  checkToken(token: string, options?: CallOptions): Promise<TokenCheck>
  /** Whether L2's registry holds this content; answers are reused for a short time */
  isPublished(cid: Cid, options?: CallOptions): Promise<boolean>
  /** Drops a cached verification (after a local revocation) */
  forgetToken(tokenHash: string): void
  /** Drops every cached verification of a user; returns how many */
  forgetUser(username: string): number
}

export interface L2ClientInit {
  /** base URL of L2, e.g. https://artdag.rose-ash.com */
  l2Server: string
  logger: Logger
  /** @default 5000 */
  timeoutMs?: number
  /** @default 30000 */
  verifyCacheMs?: number
  /** how long a "published" answer is reused @default 30000 */
  publishedCacheMs?: number
  /** how long a "not published" answer is reused @default 5000 */
  unpublishedCacheMs?: number
  /** bound of each cache @default 1000 */
  cacheMaxEntries?: number
  /** @default globalThis.fetch */
  fetch?: typeof globalThis.fetch
  /** clock, for tests @default Date.now */
  now?: () => number
}

export function createL2Client (init: L2ClientInit): L2Client {
  return new DefaultL2Client(init)
}

function normaliseServer (url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AuthConfigError(`l2Server "${url}" is not a valid URL`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AuthConfigError(`l2Server "${url}" must be an http or https URL`)
  }
  parsed.search = ''
  parsed.hash = ''
  return parsed.href.endsWith('/') ? parsed.href : `${parsed.href}/`
}

class DefaultL2Client implements L2Client {
  readonly server: string
  private readonly log: Logger
  private readonly call: L2Call
  private readonly now: () => number
  private readonly verified: TtlCache<string, L2Identity>
  private readonly published: TtlCache<string, boolean>
  private readonly unpublishedCacheMs: number

  constructor (init: L2ClientInit) {
    this.server = normaliseServer(init.l2Server)
    this.log = init.logger.child({ component: 'auth:l2-client' })
    this.now = init.now ?? Date.now
    const timeoutMs = init.timeoutMs ?? DEFAULT_L2_TIMEOUT_MS
    if (!(timeoutMs > 0)) throw new AuthConfigError(`timeoutMs must be a positive number, got ${timeoutMs}`)
    const maxEntries = init.cacheMaxEntries ?? DEFAULT_CACHE_MAX_ENTRIES
    this.verified = new TtlCache({ ttlMs: init.verifyCacheMs ?? DEFAULT_VERIFY_CACHE_MS, maxEntries, now: this.now })
    this.published = new TtlCache({ ttlMs: init.publishedCacheMs ?? DEFAULT_PUBLISHED_CACHE_MS, maxEntries, now: this.now })
    this.unpublishedCacheMs = init.unpublishedCacheMs ?? DEFAULT_UNPUBLISHED_CACHE_MS
    this.call = callL2({ server: this.server, timeoutMs, fetch: init.fetch ?? globalThis.fetch })
  }

  async verifyToken (token: string, options: CallOptions = {}): Promise<L2Identity> {
    options.signal?.throwIfAborted()
    checkTokenFormat(token, 'token')
    const hash = hashToken(token)
    const cached = this.verified.get(hash)
    if (cached != null) return cached
    const check = await this.checkToken(token, options)
    if (!check.valid) {
      this.log.debug({ tokenHash: hash, reason: check.reason }, 'L2 rejected a token')
      if (check.reason === 'expired') throw new TokenExpiredError('token has expired (according to L2); log in again')
      if (check.reason === 'revoked') throw new TokenRevokedError('token was revoked on L2; log in again')
      throw new InvalidTokenError(`token rejected by L2: ${check.reason}`, check.reason)
    }
    const { identity } = check
    if (identity.expiresAt != null && identity.expiresAt.getTime() <= this.now()) {
      throw new TokenExpiredError(`token expired at ${identity.expiresAt.toISOString()}; log in again`)
    }
    this.verified.set(hash, identity, identity.expiresAt?.getTime())
    return identity
  }

  async checkToken (token: string, options: CallOptions = {}): Promise<TokenCheck> {
    options.signal?.throwIfAborted()
    checkTokenFormat(token, 'token')
    const res = await this.call('auth/verify', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, accept: 'application/json' }
    }, options.signal)
    return parseVerify(res)
  }

  async isPublished (cid: Cid, options: CallOptions = {}): Promise<boolean> {
    options.signal?.throwIfAborted()
    const cached = this.published.get(cid)
    if (cached != null) return cached
    const res = await this.call(`assets/by-cid/${encodeURIComponent(cid)}`, {
      method: 'GET', headers: { accept: 'application/json' }
    }, options.signal)
    const published = parsePublished(res)
    this.published.set(cid, published, published ? undefined : this.now() + this.unpublishedCacheMs)
    return published
  }

  forgetToken (tokenHash: string): void {
    this.verified.delete(tokenHash)
  }

  forgetUser (username: string): number {
    return this.verified.deleteWhere((identity) => identity.username === username)
  }
}

import { L2ResponseError, L2UnavailableError } from './errors.js'
import type { L2Response } from './l2-http.js'
import type { L2Identity } from './l2-client.js'

/** L2's verdict on a token */
export type TokenCheck =
  | { valid: true, identity: L2Identity }
  | {
    valid: false
    /** short machine word from L2 ('malformed', 'bad-signature', 'expired', 'revoked', ...) */
    reason: string
    /** present when L2 recognised the token as one it issued */
    username?: string
    l1Server?: string
  }

const REASON = /^[a-z][a-z0-9_-]{0,39}$/

function parseJson (res: L2Response): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(res.text)
    return typeof value === 'object' && value != null && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

function optionalString (value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}

function unexpected (res: L2Response, what: string): L2ResponseError {
  return new L2ResponseError(`L2 answered ${res.path} with ${what} (HTTP ${res.status})`)
}

function failIfUnavailable (res: L2Response): void {
  if (res.status >= 500 || res.status === 429) {
    throw new L2UnavailableError(`L2 failed ${res.path} with HTTP ${res.status}`)
  }
}

/** Reads the answer of `POST /auth/verify` */
export function parseVerify (res: L2Response): TokenCheck {
  failIfUnavailable(res)
  const body = parseJson(res)
  if (res.status === 200) {
    if (body?.valid !== true) throw unexpected(res, 'a body without "valid": true')
    const username = optionalString(body.username)
    if (username == null) throw unexpected(res, 'no username')
    const identity: L2Identity = { username }
    const l1Server = optionalString(body.l1_server)
    if (l1Server != null) identity.l1Server = l1Server
    if (body.expires_at != null) {
      if (typeof body.expires_at !== 'number' || !Number.isFinite(body.expires_at)) {
        throw unexpected(res, 'an expires_at that is not a number of seconds')
      }
      identity.expiresAt = new Date(body.expires_at * 1000)
    }
    return { valid: true, identity }
  }
  if (res.status === 401 || res.status === 403) {
    const reason = typeof body?.reason === 'string' && REASON.test(body.reason) ? body.reason : 'rejected'
    const check: TokenCheck = { valid: false, reason }
    const username = optionalString(body?.username)
    if (username != null) check.username = username
    const l1Server = optionalString(body?.l1_server)
    if (l1Server != null) check.l1Server = l1Server
    return check
  }
  throw unexpected(res, 'an unexpected status')
}

/** Reads the answer of `GET /assets/by-cid/{cid}` */
export function parsePublished (res: L2Response): boolean {
  failIfUnavailable(res)
  if (res.status === 200) return true
  if (res.status === 404) return false
  throw unexpected(res, 'an unexpected status')
}

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { ADMIN_TOKEN_PREFIX, MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH } from './constants.js'
import { InvalidTokenError } from './errors.js'

/** The only form in which tokens are stored or logged: sha256 lowercase hex */
export function hashToken (token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/** JWT-like and opaque tokens: base64/base64url alphabets, dots and a few URL-safe marks */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/
const SHA256_HEX = /^[0-9a-f]{64}$/

/**
 * Rejects a token that cannot be genuine before anyone is asked about it, so garbage never
 * reaches L2 or Redis, and a token is always safe to put in a cookie.
 */
export function checkTokenFormat (token: string, where: string): string {
  if (token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH) {
    throw new InvalidTokenError(
      `${where} is malformed: a token has ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters, got ${token.length}`,
      'malformed')
  }
  if (!TOKEN_CHARS.test(token)) {
    throw new InvalidTokenError(
      `${where} is malformed: only letters, digits and . _ ~ + / = - are allowed`, 'malformed')
  }
  return token
}

export function isTokenHash (value: string): boolean {
  return SHA256_HEX.test(value)
}

/** A new random admin token: 256 bits, base64url, with a recognisable prefix */
export function generateAdminToken (): string {
  return ADMIN_TOKEN_PREFIX + randomBytes(32).toString('base64url')
}

/** Constant-time comparison of two hex hashes */
export function sameHash (a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

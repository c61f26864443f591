import { createHmac, randomBytes } from 'node:crypto'

/** a session id as the cookie carries it: 256 random bits, base64url */
export const SESSION_ID = /^[A-Za-z0-9_-]{43}$/

export function newSessionId (): string {
  return randomBytes(32).toString('base64url')
}

/**
 * The CSRF token of a session, derived from its id: only a page of this node (which knows the id from
 * the HttpOnly cookie) can put it in a form or a header, and a cookie planted by a page on another
 * port of the same host cannot come with a matching token.
 */
export function csrfTokenOf (sessionId: string): string {
  return createHmac('sha256', sessionId).update('artdag csrf token').digest('base64url')
}

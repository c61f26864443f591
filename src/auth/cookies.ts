/**
 * The session cookie, written by hand: Koa's `ctx.cookies.set({secure: true})` throws on a plain
 * HTTP connection, yet a node behind a TLS-terminating proxy must still mark its cookie Secure.
 */
export interface SessionCookieOptions {
  name: string
  secure: boolean
}

const ATTRIBUTES = 'Path=/; HttpOnly; SameSite=Lax'

export function sessionCookie (options: SessionCookieOptions, token: string, maxAgeS: number): string {
  const secure = options.secure ? '; Secure' : ''
  return `${options.name}=${token}; Max-Age=${Math.max(0, Math.floor(maxAgeS))}; ${ATTRIBUTES}${secure}`
}

export function clearedCookie (options: SessionCookieOptions): string {
  const secure = options.secure ? '; Secure' : ''
  return `${options.name}=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; ${ATTRIBUTES}${secure}`
}

/** Value of one cookie from a Cookie header (the last one wins if the name repeats), or undefined */
export function readCookie (header: string | undefined, name: string): string | undefined {
  if (header == null || header === '') return undefined
  let found: string | undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim() !== name) continue
    let value = part.slice(eq + 1).trim()
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    found = value
  }
  return found === '' ? undefined : found
}

export const COOKIE_NAME = /^[A-Za-z0-9_-]{1,64}$/

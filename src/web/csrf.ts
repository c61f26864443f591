import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Context } from 'koa'
import { CSRF_COOKIE, CSRF_MAX_AGE_S } from './constants.js'
import { CsrfError } from './errors.js'

const TOKEN = /^[A-Za-z0-9_-]{43}$/

export interface CsrfInit {
  /** origins besides the request's own that may post forms (the node's public URL) */
  trustedOrigins: string[]
  /** mark the cookie Secure (the node is served over https) */
  secure: boolean
}

function readCookie (header: string, name: string): string | undefined {
  let found: string | undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) found = part.slice(eq + 1).trim()
  }
  return found
}

/**
 * Double-submit CSRF protection: a random token lives in a SameSite=Strict cookie and in a hidden
 * field of every form; a post is accepted only when both match and, when the browser says where the
 * post came from (Origin, else Referer), it came from this node.
 */
export class Csrf {
  constructor (private readonly init: CsrfInit) {}

  /** The session's token, creating it (and its cookie) on the first page */
  token (ctx: Context): string {
    const existing = readCookie(ctx.get('cookie'), CSRF_COOKIE)
    if (existing != null && TOKEN.test(existing)) return existing
    const token = randomBytes(32).toString('base64url')
    const secure = this.init.secure ? '; Secure' : ''
    ctx.append('Set-Cookie', `${CSRF_COOKIE}=${token}; Path=/; Max-Age=${CSRF_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure}`)
    // the same request may render a form with it: remember it for this request
    ctx.request.header.cookie = `${ctx.get('cookie')}${ctx.get('cookie') === '' ? '' : '; '}${CSRF_COOKIE}=${token}`
    return token
  }

  /** Throws CsrfError unless the submitted token matches the cookie and the post came from this node */
  check (ctx: Context, submitted: string | undefined): void {
    this.checkOrigin(ctx)
    const cookie = readCookie(ctx.get('cookie'), CSRF_COOKIE)
    if (cookie == null || !TOKEN.test(cookie)) {
      throw new CsrfError('form rejected: this browser has no CSRF cookie of this node (cookies blocked or expired); reload the page and try again')
    }
    if (submitted == null || submitted === '') {
      throw new CsrfError('form rejected: the CSRF token field is missing; reload the page and try again')
    }
    const a = Buffer.from(submitted)
    const b = Buffer.from(cookie)
    if (a.length !== b.length || !timingSafeEqual(a, b)) {
      throw new CsrfError('form rejected: the CSRF token does not match this browser session; reload the page and try again')
    }
  }

  private checkOrigin (ctx: Context): void {
    // not ctx.origin: Koa 3 answers it from the Origin header itself
    const allowed = new Set([`${ctx.protocol}://${ctx.host}`, ...this.init.trustedOrigins])
    const origin = ctx.get('origin')
    if (origin !== '') {
      if (!allowed.has(origin)) throw new CsrfError(`form rejected: it was posted from ${origin}, not from this node`)
      return
    }
    const referer = ctx.get('referer')
    if (referer === '') return
    let from: string
    try {
      from = new URL(referer).origin
    } catch {
      throw new CsrfError('form rejected: the Referer header is not a URL')
    }
    if (!allowed.has(from)) throw new CsrfError(`form rejected: it was posted from ${from}, not from this node`)
  }
}

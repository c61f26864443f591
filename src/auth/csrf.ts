import { timingSafeEqual } from 'node:crypto'
import type { Context } from 'koa'
import { CSRF_FIELD, CSRF_HEADER } from './constants.js'
import { CsrfRejectedError } from './errors.js'
import { peekFirstFormField } from './form-token.js'
import type { AuthUser } from './types.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * The one CSRF rule of the node, for every route and every method but GET/HEAD/OPTIONS. A request
 * authenticated by a Bearer token is exempt (a browser never adds one by itself). Any other write
 * must come from this node's own origin or its public URL when the browser says where it came from
 * (Origin, else Sec-Fetch-Site, else Referer). A write carrying the session cookie must also carry
 * the session's CSRF token, in the `X-CSRF-Token` header or as the first field of a form: SameSite
 * cookies travel with requests from other ports of the same host, the token does not.
 */
export async function checkCsrf (ctx: Context, user: AuthUser | undefined, trustedOrigins: readonly string[]): Promise<void> {
  if (SAFE_METHODS.has(ctx.method) || user?.via === 'bearer') return
  checkOrigin(ctx, trustedOrigins)
  if (user?.via !== 'cookie' || user.csrfToken == null) return
  const submitted = ctx.get(CSRF_HEADER) !== '' ? ctx.get(CSRF_HEADER) : await peekFirstFormField(ctx.req, CSRF_FIELD)
  if (submitted == null || submitted === '') {
    throw new CsrfRejectedError(`CSRF check failed: a write with the session cookie needs the session's CSRF token (header X-CSRF-Token, or the first form field ${CSRF_FIELD}); reload the page and try again`)
  }
  const a = Buffer.from(submitted)
  const b = Buffer.from(user.csrfToken)
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new CsrfRejectedError('CSRF check failed: the CSRF token does not match this session; reload the page and try again')
  }
}

function checkOrigin (ctx: Context, trustedOrigins: readonly string[]): void {
  // not ctx.origin: Koa 3 answers it from the Origin header itself
  const allowed = new Set([`${ctx.protocol}://${ctx.host}`, ...trustedOrigins])
  const origin = ctx.get('origin')
  if (origin !== '') {
    if (!allowed.has(origin)) throw foreign(origin)
    return
  }
  const site = ctx.get('sec-fetch-site')
  if (site !== '') {
    if (site !== 'same-origin') throw new CsrfRejectedError(`CSRF check failed: the browser says this request is ${site.slice(0, 40)}, not same-origin`)
    return
  }
  const referer = ctx.get('referer')
  if (referer === '') return
  let from: string
  try {
    from = new URL(referer).origin
  } catch {
    throw new CsrfRejectedError('CSRF check failed: the Referer header is not a URL')
  }
  if (!allowed.has(from)) throw foreign(from)
}

function foreign (origin: string): CsrfRejectedError {
  return new CsrfRejectedError(`CSRF check failed: the request came from ${origin.slice(0, 200)}, not from this node`)
}

import type { Context } from 'koa'

/**
 * Sets the ETag of immutable content (a CID never changes its bytes) and answers 304 when If-None-Match
 * names it (or `*`). True when the request is answered and the route has nothing more to do.
 */
export function answeredNotModified (ctx: Context, etag: string): boolean {
  ctx.set('ETag', etag)
  const header = ctx.get('if-none-match')
  if (header === '') return false
  if (!header.split(',').map((s) => s.trim().replace(/^W\//, '')).some((tag) => tag === etag || tag === '*')) return false
  ctx.status = 304
  return true
}

/**
 * Whether a `Range` may be honoured under `If-Range` (RFC 9110 section 13.1.5): without the header always;
 * with it only when it is our entity tag, compared strongly. A weak tag never matches, and a date never
 * does either (this content has no Last-Modified): the whole content is then sent with 200.
 */
export function rangeAllowed (ctx: Context, etag: string): boolean {
  const header = ctx.get('if-range').trim()
  return header === '' || header === etag
}

import { Readable } from 'node:stream'
import type { Context } from 'koa'
import type { Cid } from '../../dag/index.js'
import { startingWith } from '../../util/index.js'
import { FALLBACK_MEDIA_TYPE, isInlineMediaType } from '../../content/index.js'
import { answeredNotModified, rangeAllowed } from '../conditional.js'
import { CONTENT_CSP, IMMUTABLE_CACHE_CONTROL } from '../constants.js'
import { requestSignal } from '../context.js'
import type { ApiComponents } from '../ports.js'
import { parseRange } from '../range.js'

/**
 * GET/HEAD /cache/{cid}: the bytes, streamed from the store (fetched from peers within the store's
 * deadline when not local), with byte ranges (and If-Range), an ETag of the CID and immutable caching.
 * Stored content is never active on the node's origin: a sandboxing CSP and nosniff on every answer, and
 * anything but the allow-listed media types goes out as `application/octet-stream` with `attachment`.
 */
export async function serveContent (ctx: Context, components: Pick<ApiComponents, 'store' | 'library' | 'config'>, cid: Cid): Promise<void> {
  const { store, library, config } = components
  const etag = `"${cid}"`
  ctx.set('Cache-Control', IMMUTABLE_CACHE_CONTROL)
  // a 304 carries no CSP: a cache keeps the stored answer's, which depends on the type
  if (answeredNotModified(ctx, etag)) return
  const signal = requestSignal(ctx)
  // independent reads: one after the other they doubled the wait of every download under load
  const [{ size }, recorded] = await Promise.all([
    store.stat(cid, { signal, timeoutMs: config.fetchTimeoutMs }),
    library.mediaTypeOf(cid, { signal })
  ])
  // a type recorded before the allow-list (an uploader's declared text/html) is not trusted either
  const inline = isInlineMediaType(recorded)
  const mediaType = inline ? recorded : FALLBACK_MEDIA_TYPE
  ctx.set('Content-Security-Policy', inline ? CONTENT_CSP.inline : CONTENT_CSP.download)
  ctx.set('X-Content-Type-Options', 'nosniff')
  if (!inline) ctx.set('Content-Disposition', 'attachment')
  const range = rangeAllowed(ctx, etag) ? parseRange(ctx.get('range') || undefined, size) : undefined
  ctx.set('Accept-Ranges', 'bytes')
  ctx.set('Content-Type', mediaType)
  const start = range?.start ?? 0
  const length = range != null ? range.end - range.start + 1 : size
  if (range != null) {
    ctx.status = 206
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
  } else {
    ctx.status = 200
  }
  ctx.set('Content-Length', String(length))
  if (ctx.method === 'HEAD' || length === 0) {
    if (length === 0) ctx.body = Buffer.alloc(0)
    ctx.set('Content-Type', mediaType)
    return
  }
  // the first piece is read before the status goes out: a missing or damaged first block is still an
  // error answer (404/502), not a 200 cut short; later blocks can only cut the stream
  const bytes = store.get(cid, { offset: start, length, signal, timeoutMs: config.fetchTimeoutMs })[Symbol.asyncIterator]()
  const first = await bytes.next()
  ctx.body = Readable.from(startingWith(first, bytes), { objectMode: false })
  // set again after the body: Koa's body setter and `ctx.type` would add or change it
  ctx.set('Content-Type', mediaType)
  ctx.length = length
}

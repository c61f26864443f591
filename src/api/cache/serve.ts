import { Readable } from 'node:stream'
import type { Context } from 'koa'
import type { Cid } from '../../dag/index.js'
import { startingWith } from '../../util/index.js'
import { FALLBACK_MEDIA_TYPE, isInlineMediaType, sniffMediaType } from '../../content/index.js'
import { SNIFF_HEAD_BYTES } from '../../content/index.js'
import { answeredNotModified, rangeAllowed } from '../conditional.js'
import { CONTENT_CSP, IMMUTABLE_CACHE_CONTROL } from '../constants.js'
import { requestSignal } from '../context.js'
import type { ApiComponents } from '../ports.js'
import { parseRange } from '../range.js'

type ServeComponents = Pick<ApiComponents, 'store' | 'library' | 'config'>

/**
 * GET/HEAD /cache/{cid}: the bytes, streamed from the store (fetched from peers within the store's
 * deadline when not local; from memory for a small file the store keeps there), with byte ranges (and
 * If-Range), an ETag of the CID and immutable caching. Stored content is never active on the node's
 * origin: a sandboxing CSP and nosniff on every answer, and anything but the allow-listed media types
 * goes out as `application/octet-stream` with `attachment`.
 */
export async function serveContent (ctx: Context, components: ServeComponents, cid: Cid): Promise<void> {
  const etag = `"${cid}"`
  ctx.set('Cache-Control', IMMUTABLE_CACHE_CONTROL)
  // a 304 carries no CSP: a cache keeps the stored answer's, which depends on the type
  if (answeredNotModified(ctx, etag)) return
  const held = components.store.held(cid)
  if (held != null) {
    // a hot small file: no store read and no index lookup. Its type is what the library records for any
    // content (the sniffed head: the bytes alone decide), taken here from the bytes at hand
    answer(ctx, etag, held.byteLength, sniffMediaType(held.subarray(0, SNIFF_HEAD_BYTES)) ?? FALLBACK_MEDIA_TYPE, held)
    return
  }
  await serveFromStore(ctx, components, cid, etag)
}

async function serveFromStore (ctx: Context, { store, library, config }: ServeComponents, cid: Cid, etag: string): Promise<void> {
  const signal = requestSignal(ctx)
  // independent reads: one after the other they doubled the wait of every download under load
  const [stat, recorded] = await Promise.all([
    store.stat(cid, { signal, timeoutMs: config.fetchTimeoutMs }),
    library.mediaTypeOf(cid, { signal })
  ])
  const rest = answer(ctx, etag, stat.size, recorded, stat.bytes)
  if (rest == null) return
  // the first piece is read before the status goes out: a missing or damaged first block is still an
  // error answer (404/502), not a 200 cut short; later blocks can only cut the stream
  const bytes = store.get(cid, { offset: rest.start, length: rest.length, signal, timeoutMs: config.fetchTimeoutMs })[Symbol.asyncIterator]()
  const first = await bytes.next()
  ctx.body = Readable.from(startingWith(first, bytes), { objectMode: false })
  // set again after the body: Koa's body setter and `ctx.type` would add or change them
  ctx.set('Content-Type', rest.mediaType)
  ctx.length = rest.length
}

/**
 * Sets the status and headers of an answer of `size` bytes (206 for a range we honour); with `bytes`
 * (the whole content in memory) the body too. Returns what is left to stream, or undefined when the
 * answer is complete (HEAD, nothing to send, or the bytes were at hand).
 */
function answer (ctx: Context, etag: string, size: number, recorded: string, bytes?: Uint8Array): { start: number, length: number, mediaType: string } | undefined {
  // a type recorded before the allow-list (an uploader's declared text/html) is not trusted either
  const inline = isInlineMediaType(recorded)
  const mediaType = inline ? recorded : FALLBACK_MEDIA_TYPE
  ctx.set('Content-Security-Policy', inline ? CONTENT_CSP.inline : CONTENT_CSP.download)
  ctx.set('X-Content-Type-Options', 'nosniff')
  if (!inline) ctx.set('Content-Disposition', 'attachment')
  const range = rangeAllowed(ctx, etag) ? parseRange(ctx.get('range') || undefined, size) : undefined
  ctx.set('Accept-Ranges', 'bytes')
  const start = range?.start ?? 0
  const length = range != null ? range.end - range.start + 1 : size
  if (range != null) {
    ctx.status = 206
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
  } else {
    ctx.status = 200
  }
  ctx.set('Content-Length', String(length))
  if (ctx.method !== 'HEAD' && length > 0 && bytes == null) return { start, length, mediaType }
  if (ctx.method !== 'HEAD') ctx.body = bytes != null ? Buffer.from(bytes.buffer, bytes.byteOffset + start, length) : Buffer.alloc(0)
  // after the body: Koa's body setter would set its own type
  ctx.set('Content-Type', mediaType)
  return undefined
}

import busboy from 'busboy'
import type { Readable } from 'node:stream'
import type { Context } from 'koa'
import { PayloadTooLargeError, type ContentLibrary, type AddedContent } from '../../content/index.js'
import { BadUploadError } from '../errors.js'

/**
 * Streams one uploaded file into the library: a `multipart/form-data` body with one file part, or any
 * other body taken as the file itself. Nothing is buffered whole; the library stops at the size limit.
 */
export async function receiveUpload (ctx: Context, library: ContentLibrary, init: { maxBytes: number, name?: string, signal: AbortSignal }): Promise<AddedContent> {
  const declared = Number(ctx.get('content-length'))
  // the request's Content-Type only says how the file is sent: the library sniffs what it is from its bytes
  if (!/^multipart\/form-data\b/i.test(ctx.get('content-type'))) {
    if (Number.isFinite(declared) && declared > init.maxBytes + 64 * 1024) tooLarge(ctx, init.maxBytes)
    return await library.upload(ctx.req, { signal: init.signal, ...(init.name != null ? { name: init.name } : {}) })
  }
  // the multipart envelope adds a little around the file; far more than the limit is refused unread
  if (Number.isFinite(declared) && declared > init.maxBytes + 64 * 1024) tooLarge(ctx, init.maxBytes)
  return await uploadMultipart(ctx, library, init)
}

function tooLarge (ctx: Context, maxBytes: number): never {
  ctx.req.resume()
  throw new PayloadTooLargeError(`upload is larger than the limit of ${maxBytes} bytes`)
}

async function uploadMultipart (ctx: Context, library: ContentLibrary, init: { maxBytes: number, name?: string, signal: AbortSignal }): Promise<AddedContent> {
  let parser: busboy.Busboy
  try {
    parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fields: 32, fieldSize: 64 * 1024, parts: 64 } })
  } catch (err) {
    throw new BadUploadError(`cannot read the multipart body: ${(err as Error).message}`)
  }
  // a body found broken after its file part started stops that file's upload too, so nothing of it is kept
  const stop = new AbortController()
  const signal = AbortSignal.any([init.signal, stop.signal])
  return await new Promise<AddedContent>((resolve, reject) => {
    let upload: Promise<AddedContent> | undefined
    let failed = false
    const fail = (err: unknown): void => {
      if (failed) return
      failed = true
      stop.abort(err)
      ctx.req.unpipe(parser)
      ctx.req.resume()
      // answer once the upload has unwound (its partial blocks collected), not while it still writes
      if (upload == null) reject(err)
      else upload.then(() => { reject(err) }, () => { reject(err) })
    }
    parser.on('file', (_field: string, file: Readable, info: busboy.FileInfo) => {
      if (upload != null) { file.resume(); return }
      upload = library.upload(file, { signal, name: init.name ?? info.filename })
      upload.catch(fail)
    })
    parser.on('filesLimit', () => { fail(new BadUploadError('send exactly one file per upload')) })
    parser.on('error', (err: Error) => { fail(new BadUploadError(`malformed multipart body: ${err.message}`)) })
    parser.on('close', () => {
      if (failed) return
      if (upload == null) { fail(new BadUploadError('the multipart body has no file part')); return }
      upload.then(resolve, fail)
    })
    ctx.req.on('aborted', () => { fail(new BadUploadError('the client aborted the upload')) })
    ctx.req.pipe(parser)
  })
}

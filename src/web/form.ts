import type { Readable } from 'node:stream'
import busboy from 'busboy'
import type { Context } from 'koa'
import type { Cid } from '../dag/index.js'
import { MAX_FORM_BYTES, MAX_FORM_FIELDS } from './constants.js'
import { PayloadTooLargeError } from '../content/index.js'
import { FormError } from './errors.js'

export interface UploadedFile {
  /** the form field the file came in */
  field: string
  name: string
  cid: Cid
  size: number
  mediaType: string
}

export type UploadFn = (source: AsyncIterable<Uint8Array>, init: { name?: string, signal?: AbortSignal }) =>
  Promise<{ cid: Cid, size: number, mediaType: string }>

export interface ReadFormInit {
  /** stores an uploaded file; without it, a form carrying a file is refused */
  upload?: UploadFn
  /** largest file */
  maxFileBytes: number
  /** read files as text fields (at most MAX_FORM_BYTES) instead of storing them */
  textFiles?: boolean
  signal?: AbortSignal
}

export interface PostedForm {
  fields: Map<string, string>
  files: UploadedFile[]
}

/**
 * Reads a posted form (url-encoded or multipart). Its CSRF token (the first field) was checked by
 * src/auth's middleware before the body was read, like every write's. Files stream straight into
 * the store, never buffered whole.
 */
export async function readForm (ctx: Context, init: ReadFormInit): Promise<PostedForm> {
  init.signal?.throwIfAborted()
  const type = ctx.is('multipart/form-data', 'application/x-www-form-urlencoded')
  if (type === 'multipart/form-data') return await readMultipart(ctx, init)
  if (type !== 'application/x-www-form-urlencoded') {
    throw new FormError(`the form must be sent as multipart/form-data or application/x-www-form-urlencoded, not "${ctx.get('content-type')}"`)
  }
  const text = await readText(ctx.req, MAX_FORM_BYTES)
  const fields = new Map<string, string>()
  for (const [key, value] of new URLSearchParams(text)) fields.set(key, value)
  if (fields.size > MAX_FORM_FIELDS) throw new FormError(`the form has more than ${MAX_FORM_FIELDS} fields`)
  return { fields, files: [] }
}

async function readText (stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  // drain the whole stream even when it is too large, so a multipart parser is never left waiting
  for await (const chunk of stream) {
    size += (chunk as Buffer).length
    if (size <= limit) chunks.push(chunk as Buffer)
  }
  if (size > limit) throw new PayloadTooLargeError(`the form is larger than ${limit} bytes`)
  return Buffer.concat(chunks).toString('utf8')
}

async function readMultipart (ctx: Context, init: ReadFormInit): Promise<PostedForm> {
  const fields = new Map<string, string>()
  const files: UploadedFile[] = []
  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: ctx.req.headers,
      limits: { fields: MAX_FORM_FIELDS, fieldSize: MAX_FORM_BYTES, files: 16, fileSize: init.maxFileBytes }
    })
  } catch (err) {
    throw new FormError(`the multipart form cannot be read: ${(err as Error).message}`)
  }
  let failure: unknown
  const pending: Array<Promise<void>> = []
  // a form found broken while a file is still being stored stops that upload too, so nothing of it is kept
  const stop = new AbortController()
  const signal = init.signal != null ? AbortSignal.any([init.signal, stop.signal]) : stop.signal
  const fail = (err: unknown): void => {
    failure ??= err
    if (!stop.signal.aborted) stop.abort(err)
  }

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) fail(new PayloadTooLargeError(`form field "${name}" is larger than ${MAX_FORM_BYTES} bytes`))
    fields.set(name, value)
  })
  parser.on('file', (field, stream, info) => {
    if (failure != null || info.filename == null || info.filename === '') {
      stream.resume()
      return
    }
    if (init.upload == null && init.textFiles !== true) {
      fail(new FormError(`this form takes no files (field "${field}")`))
      stream.resume()
      return
    }
    if (init.textFiles === true) {
      pending.push(readText(stream, MAX_FORM_BYTES).then((text) => { fields.set(field, text) })
        .catch((err: unknown) => { stream.resume(); fail(err) }))
      return
    }
    const upload = init.upload as UploadFn
    const filename = info.filename
    pending.push((async () => {
      const stored = await upload(limited(stream, filename, init.maxFileBytes), {
        name: filename, signal
      })
      files.push({ field, name: filename, ...stored })
    })().catch((err: unknown) => { stream.resume(); fail(err) }))
  })
  parser.on('fieldsLimit', () => { fail(new FormError(`the form has more than ${MAX_FORM_FIELDS} fields`)) })
  parser.on('filesLimit', () => { fail(new FormError('the form has more than 16 files')) })

  await new Promise<void>((resolve) => {
    parser.on('close', () => { resolve() })
    parser.on('error', (err: Error) => { fail(new FormError(`the multipart form cannot be read: ${err.message}`)); resolve() })
    ctx.req.on('error', (err) => { fail(err); resolve() })
    ctx.req.pipe(parser)
  })
  await Promise.all(pending)
  if (failure != null) throw failure instanceof Error ? failure : new FormError(String(failure))
  return { fields, files }
}

async function * limited (stream: Readable & { truncated?: boolean }, name: string, max: number): AsyncGenerator<Uint8Array> {
  for await (const chunk of stream) yield chunk as Uint8Array
  if (stream.truncated === true) throw new PayloadTooLargeError(`file "${name}" is larger than the ${max} bytes this node accepts`)
}

import type { Context } from 'koa'
import { PayloadTooLargeError } from '../content/index.js'
import { MalformedJsonError, UnsupportedMediaTypeError } from './errors.js'
import { DEFAULT_JSON_LIMIT_BYTES } from './constants.js'

export interface ReadBodyOptions {
  /** @default DEFAULT_JSON_LIMIT_BYTES */
  limit?: number
}

/** Reads the whole request body (small bodies only: JSON, YAML), refusing more than `limit` bytes */
export async function readRawBody (ctx: Context, options: ReadBodyOptions = {}): Promise<Buffer> {
  const limit = options.limit ?? DEFAULT_JSON_LIMIT_BYTES
  const declared = Number(ctx.get('content-length'))
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLargeError(`request body of ${declared} bytes is larger than the limit of ${limit} bytes`)
  }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > limit) {
      ctx.req.resume()
      throw new PayloadTooLargeError(`request body is larger than the limit of ${limit} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

/** True when the request declares a JSON body (application/json or +json), or declares nothing */
export function isJsonRequest (ctx: Context): boolean {
  const type = ctx.get('content-type')
  return type === '' || /^application\/([\w.+-]+\+)?json\b/i.test(type)
}

/**
 * Parses a JSON body. An empty body is `undefined` (the schema then says what is missing);
 * a non-JSON Content-Type is a 415, unparsable text a 400 naming the position.
 */
export async function readJson (ctx: Context, options: ReadBodyOptions = {}): Promise<unknown> {
  if (!isJsonRequest(ctx)) {
    throw new UnsupportedMediaTypeError(`expected a JSON body (Content-Type: application/json), got "${ctx.get('content-type')}"`)
  }
  const raw = await readRawBody(ctx, options)
  const text = raw.toString('utf8')
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch (err) {
    throw new MalformedJsonError(`request body is not valid JSON: ${(err as Error).message}`)
  }
}

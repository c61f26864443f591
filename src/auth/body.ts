import type { Context } from 'koa'
import { MAX_AUTH_BODY_BYTES } from './constants.js'
import { InvalidAuthRequestError } from './errors.js'

/**
 * The small body of an auth POST as string fields: JSON object or urlencoded form, or empty.
 * If a body parser already ran (`ctx.request.body`), its result is used.
 */
export async function readAuthBody (ctx: Context): Promise<Record<string, string>> {
  const parsed = (ctx.request as { body?: unknown }).body
  if (parsed != null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    return stringFields(parsed as Record<string, unknown>)
  }
  const raw = await readRaw(ctx)
  if (raw.trim() === '') return {}
  const type = ctx.request.type
  if (type === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw))
  }
  if (type === 'application/json' || type === '') {
    let value: unknown
    try {
      value = JSON.parse(raw)
    } catch {
      throw new InvalidAuthRequestError('body is not valid JSON')
    }
    if (value == null || typeof value !== 'object' || Array.isArray(value)) {
      throw new InvalidAuthRequestError('body must be a JSON object')
    }
    return stringFields(value as Record<string, unknown>)
  }
  throw new InvalidAuthRequestError(`body must be application/json or application/x-www-form-urlencoded, got ${type}`)
}

function stringFields (value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string') out[key] = field
    else if (field != null) throw new InvalidAuthRequestError(`body field ${key} must be a string`)
  }
  return out
}

async function readRaw (ctx: Context): Promise<string> {
  const declared = Number(ctx.get('content-length'))
  if (Number.isFinite(declared) && declared > MAX_AUTH_BODY_BYTES) throw tooLarge()
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of ctx.req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk))
    size += buf.length
    if (size > MAX_AUTH_BODY_BYTES) throw tooLarge()
    chunks.push(buf)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function tooLarge (): InvalidAuthRequestError {
  return new InvalidAuthRequestError(`body is larger than ${MAX_AUTH_BODY_BYTES} bytes`)
}

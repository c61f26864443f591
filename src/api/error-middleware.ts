import type { Middleware } from 'koa'
import type { Logger } from '../util/logger.js'

/** HTTP status of the named errors of other concepts that carry no `status` of their own (branch on name, STYLE 9) */
const STATUS_BY_NAME: Readonly<Record<string, number>> = {
  RecipeValidationError: 400,
  InputBindingError: 400,
  OutputChoiceError: 400,
  InvalidIdError: 400,
  InvalidPageError: 400,
  UnknownRecipeError: 404,
  UnknownParamError: 400,
  InvalidNameError: 400,
  OutputNameConflictError: 409,
  UnknownInputError: 400,
  UnknownEffectError: 400,
  RunNotFoundError: 404,
  RunStateError: 409,
  UnknownStepError: 404,
  ContentInUseError: 409,
  ContentNotFoundError: 404,
  FetchTimeoutError: 404,
  CorruptContentError: 502,
  StoreFullError: 507,
  ExecutorStoppedError: 503,
  RedisUnavailableError: 503,
  ZodError: 400,
  InvalidCidError: 400,
  InvalidRangeError: 416,
  NotAFileError: 400,
  InvalidRecordError: 400,
  ContentPublishedError: 409,
  // import from a local path (src/store/import.ts)
  ImportDisabledError: 403,
  OutsideImportDirsError: 403,
  ImportFileNotFoundError: 404,
  ImportNotAFileError: 400,
  ImportUnreadableError: 403,
  ImportFileChangedError: 409
}

export interface ErrorBody {
  error: string
  message: string
  details?: unknown
}

interface Described {
  status: number
  body: ErrorBody
  headers: Record<string, string>
}

/** `RunNotFoundError` -> `run-not-found` */
export function codeOfName (name: string): string {
  return name.replace(/Error$/, '').replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase()
}

function stringHeaders (value: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof value !== 'object' || value == null) return out
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v
    else if (Array.isArray(v)) out[k] = v.filter((x) => typeof x === 'string').join(', ')
  }
  return out
}

function detailsOf (err: Record<string, unknown>): unknown {
  if (err.details !== undefined) return err.details
  if (Array.isArray(err.problems)) return err.problems
  if (err.name === 'ZodError' && Array.isArray(err.issues)) {
    return (err.issues as Array<{ path: PropertyKey[], message: string }>).map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
  }
  return undefined
}

/** The known error's status and JSON body, or undefined for an unknown error (a bug: 500) */
export function describeError (err: unknown): Described | undefined {
  if (typeof err !== 'object' || err == null) return undefined
  const e = err as Record<string, unknown>
  const name = typeof e.name === 'string' ? e.name : 'Error'
  const message = typeof e.message === 'string' ? e.message : ''
  let status = STATUS_BY_NAME[name]
  let code = codeOfName(name)
  if (status == null && typeof e.status === 'number' && e.status >= 400 && e.status < 600 &&
    (e.expose === true || typeof e.code === 'string')) {
    // errors that know their HTTP status: the API's own, auth's, Koa's ctx.throw / http-errors
    status = e.status
  }
  if (status == null) return undefined
  if (typeof e.code === 'string' && /^[a-z][a-z0-9-]*$/.test(e.code)) code = e.code
  else if (name === 'Error' || name === 'HttpError' || !/^[A-Z][A-Za-z0-9]*Error$/.test(name)) code = codeForStatus(status)
  const details = detailsOf(e)
  return {
    status,
    body: { error: code, message, ...(details !== undefined ? { details } : {}) },
    headers: stringHeaders(e.headers)
  }
}

function codeForStatus (status: number): string {
  const known: Record<number, string> = {
    400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed',
    409: 'conflict', 413: 'payload-too-large', 415: 'unsupported-media-type', 416: 'range-not-satisfiable'
  }
  return known[status] ?? (status >= 500 ? 'server-error' : 'bad-request')
}

/** True for a client that went away mid-request: nothing to answer, nothing to log as a bug */
function isClientGone (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED'
}

/**
 * The one place that turns errors into HTTP answers (STYLE rule 10): named errors become 4xx/5xx JSON
 * `{error, message, details?}`, anything else is logged and answered with a 500 that reveals nothing.
 */
export function errorMiddleware (logger: Logger): Middleware {
  const log = logger.child({ component: 'api:errors' })
  return async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      if (ctx.headerSent || !ctx.writable) {
        if (!isClientGone(err)) log.warn({ err, path: ctx.path }, 'error after the response started')
        return
      }
      const described = describeError(err)
      // a fresh response: drop whatever headers the failed handler set (Content-Range, ETag...)
      const keep = described?.status === 405 ? new Set(['vary', 'allow']) : new Set(['vary'])
      for (const header of Object.keys(ctx.response.headers)) {
        if (!keep.has(header.toLowerCase())) ctx.remove(header)
      }
      if (described == null) {
        if (isClientGone(err)) return
        log.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error')
        ctx.status = 500
        ctx.body = { error: 'internal', message: 'internal server error' } satisfies ErrorBody
        return
      }
      if (described.status >= 500) log.warn({ err, path: ctx.path }, 'request failed')
      ctx.set(described.headers)
      // a body the handler stopped reading (an upload over the limit) would stall the next request on this
      // keep-alive connection behind its unread bytes: answer, then close the connection
      if (!ctx.req.complete) ctx.set('Connection', 'close')
      ctx.status = described.status
      ctx.body = described.body
    }
  }
}

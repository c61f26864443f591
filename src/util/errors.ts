import { z } from 'zod'

/**
 * An error whose HTTP meaning travels with it: the status a request that met it is answered with, and a
 * stable code for machines. Every folder's named errors extend it (or InternalError), so answering an
 * error never depends on a table of class names.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number
  abstract readonly code: string
  /** machine-readable detail, e.g. every problem of a recipe with its path */
  details?: unknown
  /** a headline for pages to put above the details when the message already lists them */
  title?: string
  /** response headers that belong with this error (WWW-Authenticate on a 401, Allow on a 405) */
  headers: Record<string, string | string[]> = {}
}

/**
 * A bug, a broken installation or a part used out of order: never a request's doing. Answered with a
 * 500 that reveals nothing; the log has the message.
 */
export abstract class InternalError extends DomainError {
  readonly status = 500
  readonly code = 'internal'
}

/** What a page shows in its error banner */
export interface ErrorBanner {
  message: string
  /** each problem on its own line, `path: message` */
  problems?: string[]
}

/** The API's JSON error body */
export interface ErrorBody {
  error: string
  message: string
  details?: unknown
}

/** How a request that failed with an error is answered, by the API and by the pages alike */
export interface ErrorAnswer {
  status: number
  headers: Record<string, string>
  body: ErrorBody
  banner: ErrorBanner
  /** false for bugs (500): the answer says nothing about them, the log must have them */
  expected: boolean
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'bad-request', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed',
  409: 'conflict', 413: 'payload-too-large', 415: 'unsupported-media-type', 416: 'range-not-satisfiable'
}

const INTERNAL: ErrorAnswer = {
  status: 500,
  headers: {},
  body: { error: 'internal', message: 'internal server error' },
  banner: { message: 'Something went wrong on the node. The problem was logged.' },
  expected: false
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

/** `path: message` lines of a details list (recipe problems, schema issues, form problems) */
function problemLines (details: unknown): string[] | undefined {
  if (!Array.isArray(details)) return undefined
  return details.map((p: unknown) => {
    if (typeof p === 'string') return p
    const { path, message } = (p ?? {}) as { path?: unknown, message?: unknown }
    const text = typeof message === 'string' ? message : JSON.stringify(p)
    return typeof path === 'string' && path !== '' ? `${path}: ${text}` : text
  })
}

function answer (status: number, code: string, message: string, details: unknown, headers: unknown, title?: string): ErrorAnswer {
  const problems = problemLines(details)
  const listed = problems != null && problems.length > 0
  return {
    status,
    headers: stringHeaders(headers),
    body: { error: code, message, ...(details !== undefined ? { details } : {}) },
    banner: { message: listed && title != null ? title : message, ...(listed ? { problems } : {}) },
    expected: true
  }
}

/**
 * The one place that decides how an error is answered: a DomainError by its own status and code (an
 * InternalError, like anything unknown, as a 500 that reveals nothing); a zod error as 400 with every
 * issue; an http-errors error (Koa's ctx.throw) that may be shown by its status.
 */
export function describeError (err: unknown): ErrorAnswer {
  if (err instanceof DomainError) {
    if (err instanceof InternalError || err.status < 400 || err.status >= 600 || err.status === 500) return INTERNAL
    return answer(err.status, err.code, err.message, err.details, err.headers, err.title)
  }
  if (err instanceof z.core.$ZodError) {
    const details = err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
    const text = details.map((d) => (d.path === '' ? d.message : `${d.path}: ${d.message}`)).join('; ')
    return answer(400, 'invalid-request', `invalid request: ${text}`, details, {}, 'The request has problems:')
  }
  const e = err as { status?: unknown, expose?: unknown, message?: unknown, headers?: unknown } | null
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 600 && e.expose === true) {
    return answer(e.status, STATUS_CODES[e.status] ?? (e.status >= 500 ? 'server-error' : 'bad-request'), String(e.message), undefined, e.headers)
  }
  return INTERNAL
}

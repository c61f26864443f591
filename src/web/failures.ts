import type { Notice } from './layout.js'

/** Names of errors of other areas that are the user's doing, with the status of the page that shows them */
const KNOWN: Record<string, number> = {
  RecipeValidationError: 400,
  InputBindingError: 400,
  UnknownInputError: 400,
  InvalidIdError: 400,
  InvalidPageError: 400,
  UnknownRecipeError: 404,
  UnknownParamError: 400,
  InvalidNameError: 400,
  OutputNameConflictError: 409,
  RunNotFoundError: 404,
  ContentNotFoundError: 404,
  RunStateError: 409,
  ContentInUseError: 409,
  ContentPublishedError: 409,
  FetchTimeoutError: 504,
  PeerBrokeOffError: 502,
  StoreFullError: 507
}

export interface Failure {
  status: number
  notice: Notice
  /** false for bugs: the page says nothing about them, the log has them */
  expected: boolean
}

/**
 * What a page shows for an error: named errors (ours and the other areas') become a status and a
 * message (with problems listed); anything else is a 500 that reveals nothing.
 */
export function describeFailure (err: unknown): Failure {
  const e = err as { name?: unknown, message?: unknown, status?: unknown, problems?: unknown }
  const name = typeof e?.name === 'string' ? e.name : ''
  const status = typeof e?.status === 'number' && e.status >= 400 && e.status < 600 ? e.status : KNOWN[name]
  if (status == null || name === '') {
    return { status: 500, expected: false, notice: { kind: 'error', message: 'Something went wrong on the node. The problem was logged.' } }
  }
  const problems = Array.isArray(e.problems)
    ? (e.problems as unknown[]).map((p) => {
        if (typeof p === 'string') return p
        const { path, message } = p as { path?: string, message?: string }
        return path != null && path !== '' ? `${path}: ${message ?? ''}` : String(message)
      })
    : undefined
  const message = problems != null && problems.length > 0 && name !== 'FormError'
    ? (name === 'InputBindingError' ? 'The run inputs have problems:' : 'The recipe has problems:')
    : String(e.message)
  return { status, expected: true, notice: { kind: 'error', message, ...(problems != null ? { problems } : {}) } }
}

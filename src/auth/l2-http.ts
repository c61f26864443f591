import { L2UnavailableError } from './errors.js'

export interface L2Response {
  /** the path asked, for messages */
  path: string
  status: number
  text: string
}

export type L2Call = (path: string, init: { method: string, headers: Record<string, string> }, signal?: AbortSignal) => Promise<L2Response>

export interface L2HttpInit {
  /** base URL with a trailing slash */
  server: string
  timeoutMs: number
  fetch: typeof globalThis.fetch
}

/** Largest L2 answer read; anything longer is not one of the protocol's small JSON bodies */
const MAX_RESPONSE_CHARS = 64 * 1024

/**
 * One HTTP call to L2 with a deadline covering connect, headers and body. The caller's abort
 * propagates as is; a timeout or a network failure becomes L2UnavailableError. The timer is
 * always cleared.
 */
export function callL2 (init: L2HttpInit): L2Call {
  const origin = init.server.replace(/\/$/, '')
  return async (path, request, signal) => {
    signal?.throwIfAborted()
    const deadline = new AbortController()
    const timer = setTimeout(() => { deadline.abort() }, init.timeoutMs)
    const combined = signal == null ? deadline.signal : AbortSignal.any([signal, deadline.signal])
    try {
      const res = await init.fetch(new URL(path, init.server), { ...request, signal: combined, redirect: 'manual' })
      const text = await res.text()
      return { path: `/${path}`, status: res.status, text: text.slice(0, MAX_RESPONSE_CHARS) }
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason
      if (deadline.signal.aborted) {
        throw new L2UnavailableError(`L2 at ${origin} did not answer /${path} within ${init.timeoutMs} ms`)
      }
      throw new L2UnavailableError(`L2 at ${origin} is unreachable (/${path}): ${describe(err)}`)
    } finally {
      clearTimeout(timer)
    }
  }
}

/** fetch hides the socket error in `cause` */
function describe (err: unknown): string {
  if (err instanceof Error) {
    const cause = err.cause
    if (cause instanceof Error) {
      const code = (cause as Error & { code?: unknown }).code
      return typeof code === 'string' ? code : cause.message
    }
    return err.message
  }
  return String(err)
}

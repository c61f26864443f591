import type { Middleware } from 'koa'
import { describeError } from '../util/index.js'
import type { Logger } from '../util/index.js'
import type { ErrorAnswerBody } from './responses.js'

/** True for a client that went away mid-request: nothing to answer, nothing to log as a bug */
function isClientGone (err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNABORTED'
}

/**
 * Turns errors into HTTP answers: `{error, message, details?}` with the status and headers the error
 * carries (describeError decides); anything unknown is logged and answered with a 500 that reveals nothing.
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
      const keep = described.status === 405 ? new Set(['vary', 'allow']) : new Set(['vary'])
      for (const header of Object.keys(ctx.response.headers)) {
        if (!keep.has(header.toLowerCase())) ctx.remove(header)
      }
      if (!described.expected) {
        if (isClientGone(err)) return
        log.error({ err, method: ctx.method, path: ctx.path }, 'unhandled error')
      } else if (described.status >= 500) {
        log.warn({ err, path: ctx.path }, 'request failed')
      }
      ctx.set(described.headers)
      // a body the handler stopped reading (an upload over the limit) would stall the next request on this
      // keep-alive connection behind its unread bytes: answer, then close the connection
      if (!ctx.req.complete) ctx.set('Connection', 'close')
      ctx.status = described.status
      ctx.body = described.body satisfies ErrorAnswerBody
    }
  }
}

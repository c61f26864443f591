import type { Context } from 'koa'

/** The user name auth put on the request (undefined for anonymous reads) */
export function userName (ctx: Context): string | undefined {
  const user = (ctx.state as { user?: { name?: unknown } }).user
  return typeof user?.name === 'string' ? user.name : undefined
}

/** An AbortSignal that fires when the client goes away before the response is complete */
export function requestSignal (ctx: Context): AbortSignal {
  const controller = new AbortController()
  ctx.res.once('close', () => {
    if (!ctx.res.writableFinished) controller.abort(new Error('client disconnected'))
  })
  return controller.signal
}

/** `?a=1&a=2` arrives as an array: keep the last value so schemas see plain strings */
export function flatQuery (ctx: Context): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(ctx.query)) {
    if (typeof v === 'string') out[k] = v
    else if (Array.isArray(v) && v.length > 0) out[k] = v[v.length - 1] as string
  }
  return out
}

import Router from '@koa/router'
import type { Middleware } from 'koa'
import { MethodNotAllowedError } from '../errors.js'
import { SERVER_NAME } from '../constants.js'
import type { ApiMetrics } from '../metrics.js'
import type { ApiComponents } from '../ports.js'
import { VERSION } from '../../version.js'
import { flatQuery } from '../context.js'
import { parseWith } from '../validate.js'
import { HealthChecks, healthQuery } from './health.js'
import type { HealthBody, ServerInfoBody } from '../responses.js'

/** GET / (server info) and /metrics (Prometheus); /health is healthMiddleware below */
export function systemRouter (components: ApiComponents, metrics: ApiMetrics, router = new Router()): Router {
  const { runs, content, recipes, mesh, config, auth } = components

  router.get('/', async (ctx, next) => {
    if (components.renderHome != null && ctx.accepts('json', 'html') === 'html') {
      await components.renderHome(ctx)
      return
    }
    await next()
  }, auth.requireRead, async (ctx) => {
    const [runCount, contentPage, recipePage] = await Promise.all([
      runs.count(), content.list({ offset: 0, limit: 1 }), recipes.list({ offset: 0, limit: 1 })
    ])
    ctx.body = {
      name: SERVER_NAME,
      version: VERSION,
      peerId: mesh.peerId,
      listen: mesh.multiaddrs(),
      peers: mesh.peers(),
      publicUrl: config.publicUrl ?? null,
      auth: config.authMode,
      counts: { runs: runCount, content: contentPage.total, recipes: recipePage.total },
      docs: '/docs'
    } satisfies ServerInfoBody
  })

  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType)
    ctx.body = await metrics.registry.metrics()
  })

  return router
}

const HEALTH_PATH = '/health'
const HEALTH_METHODS = new Set(['GET', 'HEAD'])

/**
 * `GET /health`: Redis and the store, checked at most once a second unless `?deep=1`. Probes come at
 * high rates, so the answer is given here, before the page and API routers (three routers matching
 * every layer cost more than the answer itself); it is mounted after the auth middleware, so a bad
 * credential is refused as on any route, and other methods get the 405 the routers would give.
 */
export function healthMiddleware (components: Pick<ApiComponents, 'redis' | 'store' | 'mesh'>): Middleware {
  const health = new HealthChecks(components)
  return async (ctx, next) => {
    if (ctx.path !== HEALTH_PATH) { await next(); return }
    if (!HEALTH_METHODS.has(ctx.method)) {
      const error = new MethodNotAllowedError(`${ctx.method} is not allowed on ${HEALTH_PATH}; allowed: HEAD, GET`)
      error.headers = { Allow: 'HEAD, GET' }
      throw error
    }
    // the route's name for the metrics' label, as the routers set it
    ctx._matchedRoute = HEALTH_PATH
    const { deep } = parseWith(healthQuery, flatQuery(ctx), 'query')
    const { ok, checkedAt, checks } = deep ? await health.live() : await health.current()
    ctx.status = ok ? 200 : 503
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { status: ok ? 'ok' : 'unavailable', version: VERSION, peerId: components.mesh.peerId, checkedAt, checks } satisfies HealthBody
  }
}

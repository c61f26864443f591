import Router from '@koa/router'
import { SERVER_NAME } from '../constants.js'
import type { ApiMetrics } from '../metrics.js'
import type { ApiComponents } from '../ports.js'
import { VERSION } from '../../version.js'
import { flatQuery } from '../context.js'
import { parseWith } from '../validate.js'
import { HealthChecks, healthQuery } from './health.js'
import type { HealthBody, ServerInfoBody } from '../responses.js'

/** GET / (server info), /health (Redis and store, checked at most once a second unless `?deep=1`), /metrics (Prometheus) */
export function systemRouter (components: ApiComponents, metrics: ApiMetrics, router = new Router()): Router {
  const { runs, content, recipes, mesh, redis, store, config, auth } = components

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

  const health = new HealthChecks({ redis, store })
  router.get('/health', async (ctx) => {
    const { deep } = parseWith(healthQuery, flatQuery(ctx), 'query')
    const { ok, checkedAt, checks } = deep ? await health.live() : await health.current()
    ctx.status = ok ? 200 : 503
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { status: ok ? 'ok' : 'unavailable', version: VERSION, peerId: mesh.peerId, checkedAt, checks } satisfies HealthBody
  })

  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType)
    ctx.body = await metrics.registry.metrics()
  })

  return router
}

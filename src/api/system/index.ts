import Router from '@koa/router'
import { SERVER_NAME } from '../constants.js'
import type { ApiMetrics } from '../metrics.js'
import type { ApiComponents } from '../ports.js'
import { VERSION } from '../../version.js'
import { asCid } from '../../dag/index.js'

const HEALTH_TIMEOUT_MS = 2_000
/**
 * The store check asks the blockstore for one block (the empty file's CID): it proves the store answers
 * at a constant cost. Summing the store's size walked every block file on each probe, which made /health
 * slower the more the node held and starved the file reads of /cache under load.
 */
const PROBE_CID = asCid('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')

async function check (fn: () => Promise<unknown>): Promise<{ ok: boolean, ms: number, error?: string }> {
  const started = performance.now()
  try {
    await Promise.race([
      fn(),
      new Promise((_resolve, reject) => { setTimeout(() => { reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)) }, HEALTH_TIMEOUT_MS).unref() })
    ])
    return { ok: true, ms: Math.round((performance.now() - started) * 10) / 10 }
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message }
  }
}

/** GET / (server info), /health (Redis and store), /metrics (Prometheus) */
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
    }
  })

  router.get('/health', async (ctx) => {
    const [redisCheck, storeCheck] = await Promise.all([check(async () => await redis.ping()), check(async () => await store.has(PROBE_CID))])
    const ok = redisCheck.ok && storeCheck.ok
    ctx.status = ok ? 200 : 503
    ctx.set('Cache-Control', 'no-store')
    ctx.body = { status: ok ? 'ok' : 'unavailable', version: VERSION, peerId: mesh.peerId, checks: { redis: redisCheck, store: storeCheck } }
  })

  router.get('/metrics', async (ctx) => {
    ctx.set('Content-Type', metrics.registry.contentType)
    ctx.body = await metrics.registry.metrics()
  })

  return router
}

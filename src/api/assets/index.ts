import Router from '@koa/router'
import type { ApiComponents } from '../ports.js'
import type { AssetListBody } from '../responses.js'

/** /assets: the named media this node knows (sample assets and registered ones) */
export function assetsRouter (components: ApiComponents, router = new Router()): Router {
  router.get('/assets', components.auth.requireRead, async (ctx) => {
    const items = await components.assets.list()
    items.sort((a, b) => a.name.localeCompare(b.name))
    ctx.body = { items, total: items.length } satisfies AssetListBody
  })
  return router
}

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import Router from '@koa/router'
import { assetsRouter } from './assets/index.js'
import { cacheRouter } from './cache/index.js'
import { configsRouter } from './configs/index.js'
import { docsRouter } from './docs/index.js'
import { effectsRouter } from './effects/index.js'
import { errorMiddleware } from './error-middleware.js'
import { ipfsRouter } from './ipfs/index.js'
import { MethodNotAllowedError, RouteNotFoundError } from './errors.js'
import type { Api, ApiInit } from './index.js'
import { createApiMetrics } from './metrics.js'
import type { ApiComponents } from './ports.js'
import { runsRouter } from './runs/index.js'
import { healthMiddleware, systemRouter } from './system/index.js'

export function buildApi (components: ApiComponents, init: ApiInit = {}): Api {
  const log = components.logger.child({ component: 'api' })
  const app = new Koa({ proxy: init.proxy ?? false })
  app.silent = true
  const metrics = createApiMetrics(components)

  app.use(metrics.middleware())
  app.use(errorMiddleware(components.logger))
  // unknown routes: JSON 404; wrong methods (the routers set 405/501 and Allow): JSON 405
  app.use(async (ctx, next) => {
    await next()
    if (ctx.body != null || ctx.headerSent) return
    if (ctx.status === 404) throw new RouteNotFoundError(`no route for ${ctx.method} ${ctx.path.slice(0, 200)}`)
    if (ctx.status === 405 || ctx.status === 501) {
      const error = new MethodNotAllowedError(`${ctx.method} is not allowed on ${ctx.path.slice(0, 200)}; allowed: ${ctx.response.get('Allow')}`)
      error.headers = { Allow: ctx.response.get('Allow') }
      throw error
    }
  })
  app.use(components.auth.middleware())
  app.use(healthMiddleware(components))
  for (const middleware of init.beforeRoutes ?? []) app.use(middleware)
  const authRouter = components.auth.router()
  // one router for every resource, so a wrong method on any path is a 405 with the right Allow
  const router = new Router()
  systemRouter(components, metrics, router)
  docsRouter(router)
  runsRouter(components, router)
  cacheRouter(components, router)
  assetsRouter(components, router)
  configsRouter(components, router)
  effectsRouter(components, router)
  ipfsRouter(components, router)
  for (const r of [authRouter, router]) {
    app.use(r.routes())
    app.use(r.allowedMethods())
  }
  for (const middleware of init.extraMiddleware ?? []) app.use(middleware)

  metrics.start()

  let server: Server | undefined
  return {
    app,
    metrics,
    callback: () => app.callback(),
    async listen (options) {
      if (server != null) throw new Error('the API is already listening')
      const srv = app.listen({ port: options.port, host: options.host ?? '127.0.0.1' })
      server = srv
      srv.keepAliveTimeout = 65_000
      await new Promise<void>((resolve, reject) => {
        srv.once('listening', resolve)
        srv.once('error', reject)
      })
      const address = srv.address() as AddressInfo
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      log.info({ port: address.port, host: address.address }, 'API listening')
      return { server: srv, port: address.port, url: `http://${host}:${address.port}` }
    },
    async stop () {
      metrics.stop()
      const srv = server
      server = undefined
      if (srv == null) return
      await new Promise<void>((resolve) => {
        srv.close(() => { resolve() })
        // SSE streams and keep-alive sockets would hold close() open
        srv.closeAllConnections()
      })
    }
  }
}

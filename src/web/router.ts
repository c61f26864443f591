import Router from '@koa/router'
import type { Context, Next } from 'koa'
import { CLIENT_FILE_NAME } from './constants.js'
import type { ClientBundle } from './client-bundle.js'
import { PageNotFoundError } from './errors.js'
import { sendError, type WebDeps } from './pages/context.js'
import { effectsPage } from './pages/effects.js'
import { homePage, loginPage } from './pages/home.js'
import { deleteMedia, mediaPage, uploadMedia } from './pages/media.js'
import { recipePage, startRun } from './pages/recipe.js'
import { recipesPage, uploadRecipe } from './pages/recipes.js'
import { runAction, runPage } from './pages/run.js'
import { runsPage } from './pages/runs.js'
import type { StaticFiles } from './static.js'

type Handler = (ctx: Context) => Promise<void>

/** A page handler whose errors become error pages */
function page (deps: WebDeps, handler: Handler): (ctx: Context) => Promise<void> {
  return async (ctx) => {
    try {
      await handler(ctx)
    } catch (err) {
      sendError(deps, ctx, err)
    }
  }
}

/** true only when the client names text/html (browsers); curl's `*\/*` and API clients get the JSON */
export function wantsHtml (ctx: Context): boolean {
  return /\btext\/html\b/i.test(ctx.get('accept')) && ctx.accepts('html', 'json') === 'html'
}

/**
 * The node's URL as the downloader reached it (scheme and Host; Koa 3's ctx.origin is the Origin header),
 * or undefined when the Host header is not a host (the client then keeps its own default)
 */
function nodeOrigin (ctx: Context): string | undefined {
  try {
    return new URL(`${ctx.protocol}://${ctx.host}`).origin
  } catch {
    return undefined
  }
}

function param (ctx: Context, name: string): string {
  return (ctx.params as Record<string, string | undefined>)[name] ?? ''
}

export function webRouter (deps: WebDeps, statics: StaticFiles, bundle: (server: string | undefined) => Promise<ClientBundle>): Router {
  const router = new Router()
  router.get('/', async (ctx: Context, next: Next) => {
    if (!wantsHtml(ctx)) {
      await next()
      return
    }
    await page(deps, async (c) => { await homePage(deps, c) })(ctx)
  })
  router.get('/login', page(deps, async (ctx) => { await loginPage(deps, ctx) }))
  router.get('/runs', async (ctx: Context, next: Next) => {
    // GET /runs is also the API's listing: JSON clients go on to it
    if (!wantsHtml(ctx)) {
      await next()
      return
    }
    await page(deps, async (c) => { await runsPage(deps, c) })(ctx)
  })
  router.get('/run/:id', page(deps, async (ctx) => { await runPage(deps, ctx, param(ctx, 'id')) }))
  router.post('/run/:id/delete', page(deps, async (ctx) => { await runAction(deps, ctx, param(ctx, 'id'), 'delete') }))
  router.post('/run/:id/cancel', page(deps, async (ctx) => { await runAction(deps, ctx, param(ctx, 'id'), 'cancel') }))
  // GET /effects and /effects/{name} are the API's catalogue too: JSON clients go on to it
  router.get('/effects', async (ctx: Context, next: Next) => {
    if (!wantsHtml(ctx)) {
      await next()
      return
    }
    await page(deps, async (c) => { await effectsPage(deps, c) })(ctx)
  })
  router.get('/effects/:name', async (ctx: Context, next: Next) => {
    if (!wantsHtml(ctx)) {
      await next()
      return
    }
    // one effect's page is its run form, where its parameters are changed
    ctx.redirect(`/recipe/${encodeURIComponent(param(ctx, 'name'))}`)
  })
  router.get('/recipes', page(deps, async (ctx) => { await recipesPage(deps, ctx) }))
  router.post('/recipes', page(deps, async (ctx) => { await uploadRecipe(deps, ctx) }))
  router.get('/recipe/:id', page(deps, async (ctx) => { await recipePage(deps, ctx, param(ctx, 'id')) }))
  router.post('/recipe/:id/run', page(deps, async (ctx) => { await startRun(deps, ctx, param(ctx, 'id')) }))
  router.get('/media', page(deps, async (ctx) => { await mediaPage(deps, ctx) }))
  router.post('/media', page(deps, async (ctx) => { await uploadMedia(deps, ctx) }))
  router.post('/media/:cid/delete', page(deps, async (ctx) => { await deleteMedia(deps, ctx, param(ctx, 'cid')) }))

  router.get('/download/client', page(deps, async (ctx) => {
    const client = await bundle(deps.components.config.publicUrl ?? nodeOrigin(ctx))
    ctx.set({
      'Content-Disposition': `attachment; filename="${CLIENT_FILE_NAME}"`,
      ETag: client.etag,
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff'
    })
    if (ctx.get('if-none-match') === client.etag) {
      ctx.status = 304
      return
    }
    ctx.type = 'application/javascript; charset=utf-8'
    ctx.body = client.code
  }))

  // browsers ask for /favicon.ico before reading a page's icon link
  router.get('/favicon.ico', (ctx: Context) => { ctx.redirect('/static/favicon.svg') })
  router.get('/static/:file', page(deps, async (ctx) => {
    const file = await statics.get(param(ctx, 'file'))
    if (file == null) throw new PageNotFoundError(`There is no static file "${param(ctx, 'file')}".`)
    ctx.set({ ETag: file.etag, 'Cache-Control': 'public, max-age=3600', 'X-Content-Type-Options': 'nosniff' })
    if (ctx.get('if-none-match') === file.etag) {
      ctx.status = 304
      return
    }
    ctx.type = file.type
    ctx.body = file.body
  }))
  return router
}

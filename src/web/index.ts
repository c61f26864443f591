import type Router from '@koa/router'
import type { Context } from 'koa'
import { clientFor, readClientBundle, type ClientBundle } from './client-bundle.js'
import { homePage } from './pages/home.js'
import { sendError, type WebDeps } from './pages/context.js'
import type { WebUiComponents } from './ports.js'
import { wantsHtml, webRouter } from './router.js'
import { StaticFiles, staticDir } from './static.js'

export * from './errors.js'
export type { WebUiComponents, WebUiConfig, WebContentEntry } from './ports.js'
export type { ClientBundle } from './client-bundle.js'
export { html, raw, escapeHtml, SafeHtml } from './html.js'
export { dagSvg, type DagNode } from './dag/svg.js'
export { wantsHtml } from './router.js'

export interface WebUiInit {
  /** where app.css and app.js are @default src/web/static (or dist/src/web/static) of the project */
  staticDir?: string
  /** the built CLI client @default dist/client/artdag.cjs of the project (`npm run build` writes it) */
  clientFile?: string
}

/**
 * The browser UI: server-rendered pages (`/`, `/runs`, `/run/{id}`, `/recipes`, `/recipe/{id}`,
 * `/media`, `/login`), their form posts (CSRF-checked by src/auth's middleware, like every write), `/static/*` and `/download/client`.
 * Mount `router()` before the API's routes: `GET /` and `GET /runs` answer only browsers (Accept:
 * text/html) and pass everything else on. It expects src/auth's middleware to have set
 * `ctx.state.user` already.
 */
export interface WebUi {
  router(): Router
  /** the HTML home page, for the API's `GET /` when the client asks for text/html */
  renderHome(ctx: Context): Promise<void>
  /** the downloadable CLI client with `server` (the node's URL) as its default server */
  clientBundle(server: string | undefined): Promise<ClientBundle>
  /** whether a request wants the HTML rendition of a URL the API also answers */
  wantsHtml(ctx: Context): boolean
}

export function createWebUi (components: WebUiComponents, init: WebUiInit = {}): WebUi {
  const deps: WebDeps = {
    components,
    log: components.logger.child({ component: 'web' })
  }
  const statics = new StaticFiles(init.staticDir ?? staticDir())
  let built: Promise<Buffer> | undefined
  // a node is reached under one name (its public URL, or the host browsers use): the last one is kept
  let last: { server: string | undefined, bundle: ClientBundle } | undefined
  const clientBundle = async (server: string | undefined): Promise<ClientBundle> => {
    built ??= readClientBundle(init.clientFile)
    let code: Buffer
    try {
      code = await built
    } catch (err) {
      built = undefined
      throw err
    }
    if (last == null || last.server !== server) last = { server, bundle: clientFor(code, server) }
    return last.bundle
  }
  return {
    router: () => webRouter(deps, statics, clientBundle),
    renderHome: async (ctx) => {
      try {
        await homePage(deps, ctx)
      } catch (err) {
        sendError(deps, ctx, err)
      }
    },
    clientBundle,
    wantsHtml
  }
}

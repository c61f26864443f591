import { createRequire } from 'node:module'
import { createReadStream } from 'node:fs'
import { dirname, join } from 'node:path'
import Router from '@koa/router'
import { RouteNotFoundError } from '../errors.js'
import { openApiSpec } from './openapi.js'

const require = createRequire(import.meta.url)
/** swagger-ui-dist ships the UI's files: served from the package, never from a CDN */
const swaggerDir = dirname(require.resolve('swagger-ui-dist/package.json'))
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png'
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>artdag-l1 API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<nav class="swagger-ui"><div class="wrapper"><p><a class="link" href="/">← Back to the node's pages</a></p></div></nav>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-init.js"></script>
</body>
</html>
`
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true })\n`

/** /openapi.json (OpenAPI 3.1) and /docs (Swagger UI from swagger-ui-dist) */
export function docsRouter (router = new Router()): Router {
  const spec = openApiSpec()
  router.get('/openapi.json', (ctx) => { ctx.body = spec })
  router.get('/docs', (ctx) => {
    ctx.type = 'html'
    ctx.body = PAGE
  })
  router.get('/docs/swagger-init.js', (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8'
    ctx.body = INIT
  })
  router.get('/docs/:file', (ctx) => {
    const file = ctx.params.file ?? ''
    const type = ASSETS[file]
    if (type == null) throw new RouteNotFoundError(`no docs asset "${file.slice(0, 80)}"`)
    ctx.set('Cache-Control', 'public, max-age=86400')
    ctx.type = type
    ctx.body = createReadStream(join(swaggerDir, file))
  })
  return router
}

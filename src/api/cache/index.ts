import Router from '@koa/router'
import { asCid } from '../../dag/ids.js'
import { flatQuery, requestSignal } from '../context.js'
import type { ApiComponents } from '../ports.js'
import { cidParam, importQuery, pageQuery, uploadQuery } from '../schemas.js'
import { parseWith } from '../validate.js'
import { serveContent } from './serve.js'
import { receiveUpload } from './upload.js'

/** /cache: content by CID (list, download with ranges, upload, import, delete under the rules) */
export function cacheRouter (components: ApiComponents, router = new Router()): Router {
  const { auth, content, library, config } = components

  router.get('/cache', auth.requireRead, async (ctx) => {
    ctx.body = await content.list(parseWith(pageQuery, flatQuery(ctx), 'query'))
  })

  // registered before /cache/:cid so "upload" and "import" are never read as CIDs
  router.post('/cache/upload', auth.requireUser, async (ctx) => {
    const { name } = parseWith(uploadQuery, flatQuery(ctx), 'query')
    const stored = await receiveUpload(ctx, library, { maxBytes: config.maxUploadBytes, signal: requestSignal(ctx), ...(name != null ? { name } : {}) })
    ctx.status = 201
    ctx.set('Location', `/cache/${stored.cid}`)
    ctx.body = stored
  })

  router.post('/cache/import', auth.requireUser, async (ctx) => {
    const { path } = parseWith(importQuery, flatQuery(ctx), 'query')
    const stored = await library.importPath(path, { signal: requestSignal(ctx) })
    ctx.status = 201
    ctx.set('Location', `/cache/${stored.cid}`)
    ctx.body = stored
  })

  router.get('/cache/:cid', auth.requireRead, async (ctx) => {
    await serveContent(ctx, components, asCid(parseWith(cidParam, ctx.params, 'path').cid))
  })

  router.delete('/cache/:cid', auth.requireUser, async (ctx) => {
    ctx.body = await library.deleteContent(asCid(parseWith(cidParam, ctx.params, 'path').cid), { signal: requestSignal(ctx) })
  })

  return router
}

import Router from '@koa/router'
import type { Context } from 'koa'
import type { AddedContent } from '../../content/index.js'
import { asCid } from '../../dag/index.js'
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
    answerAdded(ctx, await receiveUpload(ctx, library, { maxBytes: config.maxUploadBytes, signal: requestSignal(ctx), ...(name != null ? { name } : {}) }))
  })

  router.post('/cache/import', auth.requireUser, async (ctx) => {
    const { path } = parseWith(importQuery, flatQuery(ctx), 'query')
    answerAdded(ctx, await library.importPath(path, { signal: requestSignal(ctx) }))
  })

  router.get('/cache/:cid', auth.requireRead, async (ctx) => {
    await serveContent(ctx, components, asCid(parseWith(cidParam, ctx.params, 'path').cid))
  })

  router.delete('/cache/:cid', auth.requireUser, async (ctx) => {
    ctx.body = await library.deleteContent(asCid(parseWith(cidParam, ctx.params, 'path').cid), { signal: requestSignal(ctx) })
  })

  return router
}

/** 201 for content this request listed, 200 (same body) for content that was listed already */
function answerAdded (ctx: Context, added: AddedContent): void {
  const { created, ...stored } = added
  ctx.status = created ? 201 : 200
  ctx.set('Location', `/cache/${stored.cid}`)
  ctx.body = stored
}

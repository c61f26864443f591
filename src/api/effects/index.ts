import Router from '@koa/router'
import { describeEffect, effectCatalogue } from '../../effects/index.js'
import type { ApiComponents } from '../ports.js'
import { EffectNotFoundError } from './errors.js'

/** Longest effect name worth looking up; a longer path segment is answered without a search */
const MAX_NAME_LENGTH = 64

/** GET /effects (the catalogue: every effect with its parameters) and GET /effects/{name} */
export function effectsRouter (components: ApiComponents, router = new Router()): Router {
  const { auth } = components

  router.get('/effects', auth.requireRead, (ctx) => {
    const items = effectCatalogue()
    ctx.body = { items, total: items.length }
  })

  router.get('/effects/:name', auth.requireRead, (ctx) => {
    const name = ctx.params.name ?? ''
    const entry = name.length <= MAX_NAME_LENGTH ? describeEffect(name) : undefined
    if (entry === undefined) {
      const known = effectCatalogue().map((e) => e.name)
      const error = new EffectNotFoundError(`no effect "${name.slice(0, MAX_NAME_LENGTH)}" (known: ${known.join(', ')})`)
      error.details = { known }
      throw error
    }
    ctx.body = entry
  })

  return router
}

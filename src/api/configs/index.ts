import Router from '@koa/router'
import type { StoredRecipe } from '../../state/index.js'
import { readJson } from '../body.js'
import { flatQuery, userName } from '../context.js'
import { RecipeNotFoundError } from '../../state/index.js'
import type { ApiComponents } from '../ports.js'
import { submitAndAnswer } from '../runs/submit.js'
import { configRunBody, pageQuery } from '../schemas.js'
import { parseWith } from '../validate.js'
import type { ConfigBody, ConfigDeletedBody, ConfigPageBody } from '../responses.js'
import { readConfigYaml, toStoredRecipe } from './upload.js'

/** /configs: recipe YAML uploaded, listed, read, deleted and run */
export function configsRouter (components: ApiComponents, router = new Router()): Router {
  const { auth, recipes, effects } = components

  const resolve = async (idOrName: string): Promise<StoredRecipe> => {
    const recipe = idOrName.length <= 256 ? await recipes.resolve(idOrName) : undefined
    if (recipe == null) throw new RecipeNotFoundError(`no config with id or name "${idOrName.slice(0, 80)}"`)
    return recipe
  }

  router.post('/configs/upload', auth.requireUser, async (ctx) => {
    const stored = toStoredRecipe(await readConfigYaml(ctx), effects, userName(ctx))
    const { created, recipe } = await recipes.put(stored)
    ctx.status = created ? 201 : 200
    ctx.set('Location', `/configs/${recipe.id}`)
    ctx.body = recipe satisfies ConfigBody
  })

  router.get('/configs', auth.requireRead, async (ctx) => {
    ctx.body = await recipes.list(parseWith(pageQuery, flatQuery(ctx), 'query')) satisfies ConfigPageBody
  })

  router.get('/configs/:id', auth.requireRead, async (ctx) => {
    ctx.body = await resolve(ctx.params.id ?? '') satisfies ConfigBody
  })

  router.delete('/configs/:id', auth.requireUser, async (ctx) => {
    const recipe = await resolve(ctx.params.id ?? '')
    await recipes.delete(recipe.id)
    ctx.body = { id: recipe.id, name: recipe.name, deleted: true } satisfies ConfigDeletedBody
  })

  router.post('/configs/:id/run', auth.requireUser, async (ctx) => {
    const recipe = await resolve(ctx.params.id ?? '')
    const body = parseWith(configRunBody, (await readJson(ctx)) ?? {}, 'run request')
    await submitAndAnswer(ctx, components, {
      recipe: recipe.id,
      inputs: body.inputs,
      ...(body.params != null ? { params: body.params } : {}),
      ...(body.output_name != null ? { outputName: body.output_name } : {}),
      ...(body.output != null ? { output: body.output } : {})
    })
  })

  return router
}

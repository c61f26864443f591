import Router from '@koa/router'
import { asPlanId } from '../../dag/index.js'
import { readJson } from '../body.js'
import { flatQuery, requestSignal } from '../context.js'
import type { ApiComponents } from '../ports.js'
import { runBody, runIdParam, runListQuery } from '../schemas.js'
import { parseWith } from '../validate.js'
import type { DiscardResultBody, RunBody, RunPageBody } from '../responses.js'
import { streamRunEvents } from './events.js'
import { submitAndAnswer } from './submit.js'
import { RunNotFoundError } from '../../exec/index.js'

/** /runs: submit, list, inspect, follow (SSE), cancel and discard runs */
export function runsRouter (components: ApiComponents, router = new Router()): Router {
  const { auth, runs, library, orchestrator } = components

  router.post('/runs', auth.requireUser, async (ctx) => {
    const body = parseWith(runBody, await readJson(ctx), 'run request')
    await submitAndAnswer(ctx, components, {
      recipe: body.recipe,
      inputs: body.inputs,
      ...(body.params != null ? { params: body.params } : {}),
      ...(body.output_name != null ? { outputName: body.output_name } : {}),
      ...(body.output != null ? { output: body.output } : {})
    })
  })

  router.get('/runs', auth.requireRead, async (ctx) => {
    const query = parseWith(runListQuery, flatQuery(ctx), 'query')
    ctx.body = await runs.list(query) satisfies RunPageBody
  })

  router.get('/runs/:id', auth.requireRead, async (ctx) => {
    const id = asPlanId(parseWith(runIdParam, ctx.params, 'path').id)
    const run = await runs.get(id)
    if (run == null) throw new RunNotFoundError(`run ${id} not found`)
    ctx.body = run satisfies RunBody
  })

  router.get('/runs/:id/events', auth.requireRead, async (ctx) => {
    const id = asPlanId(parseWith(runIdParam, ctx.params, 'path').id)
    await streamRunEvents(ctx, components, id)
  })

  router.post('/runs/:id/cancel', auth.requireUser, async (ctx) => {
    const id = asPlanId(parseWith(runIdParam, ctx.params, 'path').id)
    ctx.body = await orchestrator.cancel(id) satisfies RunBody
  })

  router.delete('/runs/:id', auth.requireUser, async (ctx) => {
    const id = asPlanId(parseWith(runIdParam, ctx.params, 'path').id)
    ctx.body = await library.discardRun(id, { signal: requestSignal(ctx) }) satisfies DiscardResultBody
  })

  return router
}

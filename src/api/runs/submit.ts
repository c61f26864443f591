import type { Context } from 'koa'
import { requestSignal, flatQuery, userName } from '../context.js'
import type { RunRequest, Submitted } from '../../exec/index.js'
import type { ApiComponents } from '../ports.js'
import { waitQuery } from '../schemas.js'
import { parseWith } from '../validate.js'
import type { RunBody } from '../responses.js'
import { FINAL_RUN_STATUSES } from '../../state/index.js'

/**
 * Submits a run and answers with it: 201 when this request created it, 200 when the same run (same
 * recipe and inputs) existed. With `?wait=<seconds>` it blocks until the run is final or the wait elapses,
 * and returns the run either way.
 */
export async function submitAndAnswer (ctx: Context, components: Pick<ApiComponents, 'runService' | 'orchestrator' | 'runs'>,
  request: Omit<RunRequest, 'user'>): Promise<void> {
  const { wait } = parseWith(waitQuery, flatQuery(ctx), 'query')
  const submitted = await components.runService.submit({ ...request, user: userName(ctx) })
  const { created } = submitted
  let { run } = submitted
  if (wait != null && wait > 0 && !FINAL_RUN_STATUSES.has(run.status)) run = await waitForRun(ctx, components, run, wait)
  ctx.status = created ? 201 : 200
  ctx.set('Location', `/runs/${run.id}`)
  ctx.body = run satisfies RunBody
}

async function waitForRun (ctx: Context, components: Pick<ApiComponents, 'orchestrator' | 'runs'>, run: Submitted['run'],
  seconds: number): Promise<Submitted['run']> {
  const signal = AbortSignal.any([AbortSignal.timeout(seconds * 1000), requestSignal(ctx)])
  try {
    return await components.orchestrator.waitFor(run.id, { signal })
  } catch (err) {
    if (!signal.aborted) throw err
    return (await components.runs.get(run.id)) ?? run
  }
}

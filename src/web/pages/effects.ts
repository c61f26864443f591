import type { Context } from 'koa'
import { describeError } from '../../util/index.js'
import { describeEffect, type EffectEntry } from '../../effects/index.js'
import { FINAL_RUN_STATUSES } from '../../state/index.js'
import { html, type SafeHtml } from '../html.js'
import { preview } from '../views.js'
import { loginFirst, requireRead, sendPage, viewer, type WebDeps } from './context.js'
import { mediaTypeOf } from './run.js'

/**
 * The small proxies of the sample cat and its clip (registered with the sample assets): every preview is
 * the run of one effect with its defaults on one of them, the same run anyone gets by asking for it
 */
export const PREVIEW_INPUTS: ReadonlyArray<{ asset: string, label: string }> = [
  { asset: 'cat-small', label: 'still' },
  { asset: 'cat-clip-small', label: 'clip' }
]

/** What the page knows of one preview run as it draws the page */
export type PreviewState =
  | { kind: 'done', runId: string, cid: string, mediaType: string | undefined }
  | { kind: 'pending', runId: string }
  | { kind: 'missing' }
  | { kind: 'refused', message: string }

export async function previewState (deps: WebDeps, effect: string, asset: string): Promise<PreviewState> {
  let runId
  try {
    runId = (await deps.components.runService.plan({ recipe: effect, inputs: [asset] })).id
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected) throw err
    return { kind: 'refused', message: failure.banner.problems?.join(' ') ?? failure.banner.message }
  }
  const run = await deps.components.runs.get(runId)
  if (run == null) return { kind: 'missing' }
  if (run.outputCid != null) return { kind: 'done', runId, cid: run.outputCid, mediaType: await mediaTypeOf(deps, run.outputCid) }
  // a failed or cancelled preview is asked for again: the run request starts it anew
  return FINAL_RUN_STATUSES.has(run.status) ? { kind: 'missing' } : { kind: 'pending', runId }
}

/**
 * One preview: the picture, or a placeholder that app.js fills in. A placeholder carries the run request
 * (effect and input) and, once there is one, the run id it follows over the event stream; only a
 * visitor who may start runs gets data-request, so nobody else starts a render
 */
function previewCell (effect: string, input: { asset: string, label: string }, state: PreviewState, canRun: boolean): SafeHtml {
  const caption = html`<figcaption>on the ${input.label}</figcaption>`
  switch (state.kind) {
    case 'done':
      return html`<figure class="effect-preview" data-input="${input.asset}"><a href="/run/${state.runId}">${preview(state.cid, state.mediaType)}</a>${caption}</figure>`
    case 'refused':
      return html`<figure class="effect-preview refused" data-input="${input.asset}"><div class="placeholder"><span>${state.message}</span></div>${caption}</figure>`
    case 'pending':
    case 'missing': {
      const run = state.kind === 'pending' ? html` data-run-id="${state.runId}"` : html``
      const request = canRun ? html` data-effect="${effect}" data-asset="${input.asset}"` : html``
      const text = state.kind === 'pending' ? 'rendering…' : canRun ? 'renders when shown…' : 'no preview yet'
      return html`<figure class="effect-preview" data-input="${input.asset}"><div class="placeholder" data-preview${run}${request}><span>${text}</span></div>${caption}</figure>`
    }
  }
}

function effectCard (entry: EffectEntry, cells: SafeHtml[]): SafeHtml {
  return html`<article class="card effect-card" data-effect-card="${entry.name}">
<h2><a href="/recipe/${encodeURIComponent(entry.name)}">${entry.name}</a> <span class="muted small">${entry.group} · ${entry.version}</span></h2>
<p class="muted small">${entry.description}</p>
<div class="effect-previews">${cells}</div>
</article>`
}

/** GET /effects: every effect with a preview of its defaults on the sample still and clip */
export async function effectsPage (deps: WebDeps, ctx: Context): Promise<void> {
  requireRead(deps, ctx)
  const me = viewer(deps, ctx)
  const effects = deps.components.effects.list()
  const cards = await Promise.all(effects.map(async (effect) => {
    const entry = describeEffect(effect.name)
    if (entry == null) return html``
    const cells = await Promise.all(PREVIEW_INPUTS.map(async (input) =>
      previewCell(entry.name, input, await previewState(deps, entry.name, input.asset), me.canWrite)))
    return effectCard(entry, cells)
  }))
  const body = html`
<h1>Effects</h1>
<p class="lead">Every effect with its default parameters on a small copy of the sample cat and its clip. Each preview
is a run like any other, rendered once by this node and then kept: open an effect to change its parameters.</p>
${loginFirst(me, 'render the previews that do not exist yet')}
<div class="effect-grid">${cards}</div>`
  sendPage(ctx, 200, { title: 'Effects', section: 'effects', viewer: me, body })
}

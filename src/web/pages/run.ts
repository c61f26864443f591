import type { Context } from 'koa'
import { asPlanId, isHexId, type Cid, type PlanId } from '../../dag/index.js'
import type { RunRecord } from '../../state/index.js'
import { previewKind } from '../../content/index.js'
import { dagSvg, type DagNode } from '../dag/svg.js'
import { PageNotFoundError } from '../errors.js'
import { readForm } from '../form.js'
import { html, jsonScript, type SafeHtml } from '../html.js'
import type { Notice } from '../layout.js'
import { describeError } from '../../util/index.js'
import { badge, cidLink, csrfField, duration, preview, shortId, when } from '../views.js'
import { csrfToken, requireRead, requireWriter, sendPage, viewer, type WebDeps } from './context.js'
import { FINAL_RUN_STATUSES } from '../../state/index.js'

export function runId (value: string): PlanId {
  if (!isHexId(value)) throw new PageNotFoundError(`"${value}" is not a run id (64 hex characters).`)
  return asPlanId(value)
}

async function loadRun (deps: WebDeps, id: PlanId): Promise<RunRecord> {
  const run = await deps.components.runs.get(id)
  if (run == null) throw new PageNotFoundError(`There is no run ${id} on this node.`)
  return run
}

/** The media type of a CID for its preview: listed type first, else sniffed (bounded wait) */
export async function mediaTypeOf (deps: WebDeps, cid: Cid): Promise<string | undefined> {
  const meta = await deps.components.content.meta(cid)
  if (meta != null) return meta.mediaType
  return await deps.components.library.mediaTypeOf(cid, { signal: AbortSignal.timeout(2000) }).catch(() => undefined)
}

/** the kind of thumbnail a result gets in the DAG */
async function resultOf (deps: WebDeps, cid: Cid | undefined): Promise<DagNode['result']> {
  if (cid == null) return undefined
  const kind = previewKind(await mediaTypeOf(deps, cid))
  return { cid, kind: kind === 'image' || kind === 'video' ? kind : 'other' }
}

async function runDag (deps: WebDeps, run: RunRecord): Promise<SafeHtml> {
  const plan = await deps.components.runs.getPlan(run.id)
  const records = new Map(run.steps.map((s) => [s.id, s]))
  const source = plan != null
    ? plan.steps.map((s) => ({ id: s.id, type: s.type, inputs: s.inputs, effect: s.effect?.name }))
    : run.steps.map((s) => ({ id: s.id, type: s.type, inputs: [] as string[], effect: s.effect?.name }))
  const nodes: DagNode[] = await Promise.all(source.map(async (s) => {
    const record = records.get(s.id)
    const result = await resultOf(deps, record?.cid)
    return {
      id: s.id, type: s.type, inputs: s.inputs,
      ...(record != null ? { status: record.status } : {}),
      ...(s.effect != null ? { detail: s.effect } : {}),
      ...(result != null ? { result } : {})
    }
  }))
  return await dagSvg(nodes, plan?.outputStep)
}

/** the page of the run's recipe or effect, or undefined when the recipe was deleted since */
async function recipeOf (deps: WebDeps, run: RunRecord): Promise<string | undefined> {
  if (run.recipeId == null) return deps.components.effects.get(run.recipeName) != null ? `/recipe/${encodeURIComponent(run.recipeName)}` : undefined
  return await deps.components.recipes.resolve(run.recipeId) != null ? `/recipe/${run.recipeId}` : undefined
}

/** the step's wait in the queue, as the time cell's tooltip (the cell shows the worker's time alone) */
function queueWait (s: RunRecord['steps'][number]): SafeHtml {
  if (s.queuedAt == null || s.startedAt == null) return html``
  return html` title="waited ${duration(Math.max(0, Date.parse(s.startedAt) - Date.parse(s.queuedAt)))} in the queue"`
}

function stepsTable (run: RunRecord): SafeHtml {
  return html`<table class="steps"><thead><tr><th>Step</th><th class="hide-narrow">Type</th><th>Status</th><th>Progress</th><th class="hide-narrow">Time</th><th>Output</th></tr></thead>
<tbody>${run.steps.map((s) => html`<tr data-step="${s.id}">
<td>${s.id}</td><td class="hide-narrow">${s.type}${s.effect != null ? html` <span class="muted">${s.effect.name} ${s.effect.version}</span>` : html``}</td>
<td class="step-status">${badge(s.status)}${s.source != null ? html` <span class="muted small">${s.source}</span>` : html``}</td>
<td><progress max="1" value="${s.status === 'completed' || s.status === 'cached' ? 1 : 0}"></progress></td>
<td class="hide-narrow step-time"${queueWait(s)}>${duration(s.durationMs)}</td>
<td class="step-cid">${s.cid != null ? cidLink(s.cid) : html``}${s.error != null ? html`<span class="error-text">${s.error}</span>` : html``}</td>
</tr>`)}</tbody></table>`
}

export async function runPage (deps: WebDeps, ctx: Context, id: string, notice?: Notice, status = 200): Promise<void> {
  requireRead(deps, ctx)
  const run = await loadRun(deps, runId(id))
  const final = FINAL_RUN_STATUSES.has(run.status)
  const [inputs, outputType, dag, recipeRef] = await Promise.all([
    Promise.all(run.inputs.map(async (input) => ({ ...input, type: await mediaTypeOf(deps, input.cid) }))),
    run.outputCid != null ? mediaTypeOf(deps, run.outputCid) : Promise.resolve(undefined),
    runDag(deps, run),
    recipeOf(deps, run)
  ])
  const done = run.steps.filter((s) => s.status === 'completed' || s.status === 'cached').length
  const token = csrfToken(ctx)
  const body = html`
<section id="run" data-run-id="${run.id}" data-final="${final ? 'true' : 'false'}">
<div class="title-row"><h1>Run <span class="mono">${shortId(run.id)}</span></h1><span id="run-status">${badge(run.status)}</span></div>
<p class="meta">${recipeRef != null ? html`Recipe <a href="${recipeRef}">${run.recipeName}</a>` : html`Recipe <strong>${run.recipeName}</strong> <span class="muted">(deleted from this node)</span>`}
 · created ${when(run.createdAt)}${run.finishedAt != null ? html` · finished ${when(run.finishedAt)}` : html``}${run.user != null ? html` · by ${run.user}` : html``}</p>
<p class="mono small muted wrap">${run.id}</p>
${run.error != null ? html`<div class="notice error"><p>${run.error}</p></div>` : html``}
${recipeRef != null ? html`<p><a class="button small ghost" href="${recipeRef}?from=${run.id}#run-it">Edit and run again</a></p>` : html``}
<div class="progress-row"><progress id="run-progress" max="${run.steps.length}" value="${done}"></progress> <span id="run-progress-text">${done}/${run.steps.length} steps</span></div>
<div class="grid two">
  <div class="card"><h2>Inputs</h2>${inputs.length === 0 ? html`<p class="muted">No variable inputs.</p>` : inputs.map((input) => html`<figure class="media">${preview(input.cid, input.type)}<figcaption><strong>${input.name}</strong> ${cidLink(input.cid)}</figcaption></figure>`)}</div>
  <div class="card" id="run-output"><h2>Output${run.outputName != null ? html` <span class="muted">${run.outputName}</span>` : html``}</h2>
  ${run.outputCid != null
    ? html`<figure class="media">${preview(run.outputCid, outputType, 'large')}<figcaption>${cidLink(run.outputCid)} · <a href="/cache/${run.outputCid}" download>download</a></figcaption></figure>`
    : html`<p class="muted">${final ? 'This run produced no output.' : 'The output appears here when the run completes.'}</p>`}
  ${run.provenanceCid != null ? html`<p>Provenance record: <a class="mono" href="/ipfs/${run.provenanceCid}?format=raw" title="${run.provenanceCid}" download="provenance-${shortId(run.id, 12).replace('…', '')}.json">${shortId(run.provenanceCid, 18)}</a> <span class="muted small">(DAG-JSON)</span></p>` : html``}
  </div>
</div>
<div class="card"><h2>DAG</h2><div class="dag-wrap">${dag}</div></div>
<div class="card"><h2>Steps</h2>${stepsTable(run)}</div>
<div class="card danger-zone"><h2>Remove this run</h2>
<p>A failed or cancelled run can always be discarded. A completed run can be discarded only when none of its items
(inputs, output, intermediate results) has been published to L2. A run still in progress must be cancelled first.
Discarding keeps content that other runs still use.</p>
<div class="actions">
${!final ? html`<form method="post" action="/run/${run.id}/cancel">${csrfField(token)}<button type="submit" class="ghost">Cancel run</button></form>` : html``}
<form method="post" action="/run/${run.id}/delete" data-confirm="Discard this run?">${csrfField(token)}<button type="submit" class="danger">Discard run</button></form>
</div></div>
${jsonScript('run-data', { id: run.id, status: run.status, steps: run.steps.length })}
</section>`
  sendPage(ctx, status, { title: `Run ${shortId(run.id)}`, section: 'runs', viewer: viewer(deps, ctx), body, ...(notice != null ? { notice } : {}) })
}

/** POST /run/{id}/delete and /cancel: refusals of the server are shown on the run page */
export async function runAction (deps: WebDeps, ctx: Context, id: string, action: 'delete' | 'cancel'): Promise<void> {
  const planId = runId(id)
  requireWriter(ctx)
  await readForm(ctx, { maxFileBytes: 0 })
  try {
    if (action === 'cancel') {
      await deps.components.orchestrator.cancel(planId)
      ctx.status = 303
      ctx.redirect(`/run/${planId}`)
      return
    }
    await deps.components.library.discardRun(planId)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected || failure.status === 404) throw err
    await runPage(deps, ctx, planId, { kind: 'error', ...failure.banner, message: `The node refused: ${failure.banner.message}` }, failure.status)
    return
  }
  ctx.status = 303
  ctx.redirect('/runs?deleted=1')
}

import { previewKind } from '../../content/index.js'
import type { RunRecord } from '../../state/index.js'
import { html, type SafeHtml } from '../html.js'
import { badge, shortId, when } from '../views.js'
import type { WebDeps } from './context.js'
import { mediaTypeOf } from './run.js'

/** What tells runs apart: the output, the inputs and (effect runs) the parameters */
interface RunSummary {
  run: RunRecord
  output?: { cid: string, kind?: string }
  inputs: Array<{ name: string, cid: string, kind?: string }>
  params: Array<[string, unknown]>
  recipeGone: boolean
}

async function summarise (deps: WebDeps, run: RunRecord): Promise<RunSummary> {
  const kindOf = async (cid: string): Promise<string | undefined> => previewKind(await mediaTypeOf(deps, cid as RunRecord['inputs'][number]['cid']))
  const [output, inputs, plan, recipe] = await Promise.all([
    run.outputCid != null ? kindOf(run.outputCid).then((kind) => ({ cid: run.outputCid as string, ...(kind != null ? { kind } : {}) })) : Promise.resolve(undefined),
    Promise.all(run.inputs.map(async (i) => ({ name: i.name, cid: i.cid as string, ...(await kindOf(i.cid).then((kind) => kind != null ? { kind } : {})) }))),
    run.recipeId == null ? deps.components.runs.getPlan(run.id) : Promise.resolve(undefined),
    run.recipeId != null ? deps.components.recipes.resolve(run.recipeId) : Promise.resolve(undefined)
  ])
  const step = plan?.steps.find((s) => s.type === 'EFFECT')
  const params = Object.entries((step?.config.params ?? {}) as Record<string, unknown>)
  return { run, inputs, params, recipeGone: run.recipeId != null && recipe == null, ...(output != null ? { output } : {}) }
}

function mini (cid: string, kind: string | undefined, label: string): SafeHtml {
  const src = `/cache/${cid}`
  if (kind === 'image') return html`<img class="mini" src="${src}" alt="${label}" loading="lazy">`
  if (kind === 'video') return html`<video class="mini" src="${src}#t=0.1" muted playsinline preload="metadata" aria-label="${label}"></video>`
  return html`<span class="mini icon" title="${label}">${kind === 'audio' ? '♪' : '▤'}</span>`
}

function row (s: RunSummary): SafeHtml {
  const { run } = s
  const done = run.steps.filter((st) => st.status === 'completed' || st.status === 'cached').length
  const recipe = s.recipeGone
    ? html`${run.recipeName} <span class="muted small">(deleted)</span>`
    : html`<a href="${run.recipeId != null ? `/recipe/${run.recipeId}` : `/recipe/${encodeURIComponent(run.recipeName)}`}">${run.recipeName}</a>`
  return html`<tr data-run="${run.id}">
<td class="thumb-cell"><a href="/run/${run.id}" aria-label="run ${shortId(run.id)}">${s.output != null ? mini(s.output.cid, s.output.kind, 'output') : html`<span class="mini icon muted">—</span>`}</a></td>
<td><a class="mono" href="/run/${run.id}">${shortId(run.id, 10)}</a><br>${badge(run.status)} <span class="muted small">${done}/${run.steps.length}</span></td>
<td>${recipe}${run.outputName != null ? html` <span class="muted">→ ${run.outputName}</span>` : html``}
${s.params.length > 0 ? html`<div class="params-line small mono">${s.params.map(([k, v]) => html`<span>${k}=${String(v)}</span> `)}</div>` : html``}</td>
<td><div class="inputs-cell">${s.inputs.map((i) => html`<span class="input-mini" title="${i.name}: ${i.cid}">${mini(i.cid, i.kind, i.name)}<span class="small muted">${i.name}</span></span>`)}</div></td>
<td class="hide-narrow small">${when(run.createdAt)}</td>
</tr>`
}

/** The runs listing shared by the home page and /runs: output thumbnail, id and status, recipe and params, inputs, time */
export async function runTable (deps: WebDeps, runs: RunRecord[]): Promise<SafeHtml> {
  if (runs.length === 0) return html`<p class="empty">No runs here. Pick a <a href="/recipes">recipe</a> and start one.</p>`
  const summaries = await Promise.all(runs.map(async (run) => await summarise(deps, run)))
  return html`<table class="runs">
<thead><tr><th>Output</th><th>Run</th><th>Recipe · params</th><th>Inputs</th><th class="hide-narrow">Created</th></tr></thead>
<tbody>${summaries.map(row)}</tbody></table>`
}

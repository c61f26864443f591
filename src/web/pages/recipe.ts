import type { Context } from 'koa'
import { previewKind } from '../../content/index.js'
import { asPlanId, isHexId } from '../../dag/index.js'
import { describeEffect } from '../../effects/index.js'
import { effectRecipe, parseRecipe, RecipeValidationError, variableInputs } from '../../dag/index.js'
import type { Recipe, VariableInput } from '../../dag/index.js'
import type { StoredRecipe } from '../../state/index.js'
import { PICKER_CONTENT } from '../constants.js'
import { dagSvg } from '../dag/svg.js'
import { FormError, PageNotFoundError } from '../errors.js'
import { describeError } from '../../util/index.js'
import { readForm, type UploadedFile } from '../form.js'
import { html, type SafeHtml } from '../html.js'
import type { Notice } from '../layout.js'
import { paramControls } from '../params/controls.js'
import { paramsFromForm } from '../params/read.js'
import { csrfField, formatBytes, preview, shortId, when } from '../views.js'
import { loginFirst, requireRead, requireWriter, sendPage, viewer, type WebDeps } from './context.js'
import { PREVIEW_INPUTS, previewState, type PreviewState } from './effects.js'

interface Resolved {
  recipe: Recipe
  inputs: VariableInput[]
  /** what a run request names: the stored recipe id, or the effect name */
  ref: string
  stored?: StoredRecipe
}

async function resolveRecipe (deps: WebDeps, idOrName: string): Promise<Resolved> {
  // as a run request resolves it: an effect's name means the effect (a recipe cannot take one)
  if (deps.components.effects.get(idOrName) != null) {
    const recipe = effectRecipe(idOrName)
    return { recipe, inputs: variableInputs(recipe), ref: idOrName }
  }
  const stored = await deps.components.recipes.resolve(idOrName)
  if (stored != null) {
    const parsed = parseRecipe(stored.yaml)
    if (!parsed.ok) throw new RecipeValidationError(parsed.problems)
    return { recipe: parsed.recipe, inputs: variableInputs(parsed.recipe), ref: stored.id, stored }
  }
  throw new PageNotFoundError(`There is no recipe or effect "${idOrName}" on this node.`)
}

interface Candidate { cid: string, label: string, detail: string, kind: string }

/** the assets, then the newest media (an asset's content is listed under both names) */
async function candidates (deps: WebDeps): Promise<Candidate[]> {
  const [assets, recent] = await Promise.all([deps.components.assets.list(), deps.components.content.list({ offset: 0, limit: PICKER_CONTENT })])
  const typeOf = new Map(recent.items.map((c) => [c.cid as string, c.mediaType]))
  return [
    ...assets.map((a) => {
      const type = a.mediaType ?? typeOf.get(a.cid)
      return { cid: a.cid, label: a.name, detail: `asset${type != null ? ` · ${type}` : ''}`, kind: previewKind(type) ?? 'other' }
    }),
    ...recent.items.map((c) => ({ cid: c.cid, label: c.name ?? shortId(c.cid, 20), detail: `${c.mediaType} · ${formatBytes(c.size)}`, kind: previewKind(c.mediaType) ?? 'other' }))
  ]
}

function thumb (c: Candidate): SafeHtml {
  const src = `/cache/${c.cid}`
  if (c.kind === 'image') return html`<img src="${src}" alt="" loading="lazy">`
  if (c.kind === 'video') return html`<video src="${src}#t=0.1" muted playsinline preload="metadata"></video>`
  return html`<span class="icon" aria-hidden="true">${c.kind === 'audio' ? '♪' : '▤'}</span>`
}

const KINDS: Array<[string, string]> = [['', 'all'], ['image', 'images'], ['video', 'videos'], ['audio', 'sounds']]

/** per variable input: a grid of thumbnails to pick from (filtered by type in the browser), a CID field, an upload */
function inputControls (inputs: VariableInput[], options: Candidate[], chosen: Record<string, string>): SafeHtml {
  return html`${inputs.map((input) => {
    const value = chosen[input.name]
    const listed = value != null && options.some((c) => c.cid === value)
    // a CID listed twice (asset and media item) is checked once, in its first place
    const checked = listed ? options.findIndex((c) => c.cid === value) : -1
    const field = `input.${input.name}`
    return html`<fieldset class="input-choice" data-input="${input.name}">
<legend>${input.name}${input.description != null ? html` <span class="muted">${input.description}</span>` : html``}</legend>
${options.length === 0
    ? html`<p class="muted small">Nothing stored yet: upload a file below.</p>`
    : html`<label class="kind-filter">Show <select data-filter="${field}">${KINDS.map(([kind, label]) => html`<option value="${kind}">${label}</option>`)}</select></label>
<div class="picker" data-picker="${field}">${options.map((c, i) => html`<label class="pick" data-kind="${c.kind}" title="${c.label} (${c.detail})">
<input type="radio" name="${field}.pick" value="${c.cid}"${i === checked ? html` checked` : html``}>${thumb(c)}<span class="pick-name">${c.label}</span><span class="pick-detail">${c.detail}</span></label>`)}</div>`}
<label>or a CID <input type="text" name="${field}.cid" placeholder="bafk…" spellcheck="false" autocomplete="off" value="${value != null && !listed ? value : ''}"></label>
<label>or upload a file <input type="file" name="${field}.file" accept="image/*,video/*,audio/*"></label>
</fieldset>`
  })}`
}

/** the inputs and effect params of an earlier run of this recipe, for "edit and run again" */
async function earlierRun (deps: WebDeps, ctx: Context, resolved: Resolved): Promise<{ inputs: Record<string, string>, params: Record<string, unknown> } | undefined> {
  const from = typeof ctx.query.from === 'string' && isHexId(ctx.query.from) ? asPlanId(ctx.query.from) : undefined
  if (from == null) return undefined
  const [run, plan] = await Promise.all([deps.components.runs.get(from), deps.components.runs.getPlan(from)])
  if (run == null) throw new PageNotFoundError(`There is no run ${from} on this node to start again from.`)
  const inputs = Object.fromEntries(run.inputs.map((i) => [i.name, i.cid]))
  const step = resolved.stored == null ? plan?.steps.find((s) => s.type === 'EFFECT') : undefined
  const params = (step?.config.params ?? {}) as Record<string, unknown>
  return { inputs, params }
}

export async function recipePage (deps: WebDeps, ctx: Context, idOrName: string, notice?: Notice, status = 200): Promise<void> {
  requireRead(deps, ctx)
  const resolved = await resolveRecipe(deps, idOrName)
  const { recipe, stored } = resolved
  const effect = stored == null ? deps.components.effects.get(idOrName) : undefined
  const entry = effect != null ? describeEffect(effect.name) : undefined
  const [dag, options, earlier] = await Promise.all([
    dagSvg(recipe.nodes.map((n) => ({
      id: n.id, type: n.type, inputs: n.inputs,
      ...(typeof n.config.effect === 'string' ? { detail: n.config.effect } : typeof n.config.asset === 'string' ? { detail: `asset ${n.config.asset}` } : {})
    })), recipe.output),
    candidates(deps),
    earlierRun(deps, ctx, resolved)
  ])
  const me = viewer(deps, ctx)
  const action = `/recipe/${encodeURIComponent(resolved.ref)}/run`
  const body = html`
<div class="title-row"><h1>${recipe.name}${recipe.version != null ? html` <span class="muted">v${recipe.version}</span>` : html``}</h1></div>
${recipe.description != null ? html`<p class="lead">${recipe.description}</p>` : effect != null ? html`<p class="lead">${effect.description}</p>` : html``}
<p class="meta">${stored != null
    ? html`Recipe <span class="mono">${shortId(stored.id)}</span> · uploaded ${when(stored.createdAt)}${stored.uploadedBy != null ? html` by ${stored.uploadedBy}` : html``}`
    : html`Effect ${effect?.name} ${effect?.version} on one input`}</p>
<section class="card"><h2>DAG</h2><div class="dag-wrap">${dag}</div>
${stored != null ? html`<details><summary>YAML</summary><pre class="code">${stored.yaml}</pre></details>` : html``}
</section>
<section class="card" id="run-it">
<h2>${earlier != null ? 'Edit and run again' : 'Run it'}</h2>
${loginFirst(me, 'start a run')}
<form method="post" action="${action}" enctype="multipart/form-data" class="stack" id="run-form">
${csrfField(me.csrfToken)}
<fieldset class="plain"${me.canWrite ? html`` : html` disabled`}>
${resolved.inputs.length === 0 ? html`<p class="muted">This recipe takes no inputs.</p>` : inputControls(resolved.inputs, options, earlier?.inputs ?? {})}
${entry != null ? paramControls(entry, earlier?.params) : html``}
<label>Output name (optional) <input type="text" name="output_name" maxlength="200" autocomplete="off"></label>
<button type="submit">Start run</button>
</fieldset>
</form>
</section>
${entry != null && me.canWrite ? livePreview(entry.name, await previewState(deps, entry.name, PREVIEW_INPUTS[0]?.asset ?? '')) : html``}`
  sendPage(ctx, status, { title: recipe.name, section: 'recipes', viewer: me, body, ...(notice != null ? { notice } : {}) })
}

/**
 * The preview of an effect page: app.js runs the effect with the form's parameters on a small sample
 * (one of the /effects page's proxies) a moment after a parameter changes, and shows the result here.
 * Opening the page renders nothing: it shows the defaults' preview when that exists. Only for visitors
 * who may start runs.
 */
function livePreview (effect: string, defaults: PreviewState): SafeHtml {
  const shown = defaults.kind === 'done'
    ? html`<a href="/run/${defaults.runId}">${preview(defaults.cid, defaults.mediaType)}</a>`
    : html`<div class="placeholder"><span>change a parameter to see it here</span></div>`
  return html`<section class="card" id="live-preview" data-effect="${effect}"${defaults.kind === 'done' ? html` data-state="done" data-run-id="${defaults.runId}"` : html``}>
<h2>Preview</h2>
<p class="muted small">The effect with the parameters above, on a small copy of the sample cat, rendered again a moment after a parameter changes.</p>
<label>On <select data-live-input>${PREVIEW_INPUTS.map((input) => html`<option value="${input.asset}">the ${input.label} (${input.asset})</option>`)}</select></label>
<div class="live-result">${shown}</div>
<p class="live-status muted small" role="status"></p>
</section>`
}

/** The CID chosen for each variable input: an uploaded file, else a pasted CID, else the picked item */
export function chosenInputs (inputs: VariableInput[], fields: Map<string, string>, files: UploadedFile[]): Record<string, string> {
  const chosen: Record<string, string> = {}
  const problems: string[] = []
  for (const input of inputs) {
    const file = files.find((f) => f.field === `input.${input.name}.file`)
    const cid = (fields.get(`input.${input.name}.cid`) ?? '').trim()
    const pick = (fields.get(`input.${input.name}.pick`) ?? '').trim()
    const value = file?.cid ?? (cid !== '' ? cid : pick)
    if (value === '') problems.push(`input "${input.name}": choose an asset or media item, paste a CID, or upload a file`)
    else chosen[input.name] = value
  }
  if (problems.length > 0) throw new FormError('Some inputs are missing:', problems)
  return chosen
}

/** POST /recipe/{id}/run: stores uploaded inputs, submits the run, redirects to its page */
export async function startRun (deps: WebDeps, ctx: Context, idOrName: string): Promise<void> {
  const resolved = await resolveRecipe(deps, idOrName)
  const { library, config } = deps.components
  const user = requireWriter(ctx)
  const form = await readForm(ctx, { maxFileBytes: config.maxUploadBytes, upload: async (source, init) => await library.upload(source, init) })
  try {
    const inputs = chosenInputs(resolved.inputs, form.fields, form.files)
    const outputName = (form.fields.get('output_name') ?? '').trim()
    const entry = resolved.stored == null ? describeEffect(resolved.ref) : undefined
    const params = entry != null ? paramsFromForm(entry, form.fields) : undefined
    const { run } = await deps.components.runService.submit({
      recipe: resolved.ref, inputs, user, ...(params != null ? { params } : {}), ...(outputName !== '' ? { outputName } : {})
    })
    ctx.status = 303
    ctx.redirect(`/run/${run.id}`)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected) throw err
    await recipePage(deps, ctx, idOrName, { kind: 'error', ...failure.banner }, failure.status)
  }
}

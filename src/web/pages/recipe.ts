import type { Context } from 'koa'
import { effectRecipe, parseRecipe, RecipeValidationError, variableInputs } from '../../dag/index.js'
import type { Recipe, VariableInput } from '../../dag/index.js'
import type { StoredRecipe } from '../../state/index.js'
import { PICKER_CONTENT } from '../constants.js'
import { dagSvg } from '../dag-svg.js'
import { FormError, PageNotFoundError } from '../errors.js'
import { describeError } from '../../util/index.js'
import { readForm, type UploadedFile } from '../form.js'
import { html, type SafeHtml } from '../html.js'
import type { Notice } from '../layout.js'
import { csrfField, formatBytes, shortId, when } from '../views.js'
import { csrfToken, requireRead, requireWriter, sendPage, viewer, type WebDeps } from './context.js'

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

async function inputControls (deps: WebDeps, inputs: VariableInput[]): Promise<SafeHtml> {
  const [assets, recent] = await Promise.all([deps.components.assets.list(), deps.components.content.list({ offset: 0, limit: PICKER_CONTENT })])
  const options = html`<option value="">— choose —</option>
<optgroup label="Assets">${assets.map((a) => html`<option value="${a.cid}">${a.name}</option>`)}</optgroup>
<optgroup label="Media">${recent.items.map((c) => html`<option value="${c.cid}">${c.name ?? shortId(c.cid, 20)} (${c.mediaType}, ${formatBytes(c.size)})</option>`)}</optgroup>`
  return html`${inputs.map((input) => html`<fieldset class="input-choice">
<legend>${input.name}${input.description != null ? html` <span class="muted">${input.description}</span>` : html``}</legend>
<label>Asset or media <select name="input.${input.name}.pick">${options}</select></label>
<label>or a CID <input type="text" name="input.${input.name}.cid" placeholder="bafk…" spellcheck="false" autocomplete="off"></label>
<label>or upload a file <input type="file" name="input.${input.name}.file" accept="image/*,video/*,audio/*"></label>
</fieldset>`)}`
}

export async function recipePage (deps: WebDeps, ctx: Context, idOrName: string, notice?: Notice, status = 200): Promise<void> {
  requireRead(deps, ctx)
  const resolved = await resolveRecipe(deps, idOrName)
  const { recipe, stored } = resolved
  const effect = stored == null ? deps.components.effects.get(idOrName) : undefined
  const dag = dagSvg(recipe.nodes.map((n) => ({
    id: n.id, type: n.type, inputs: n.inputs,
    ...(typeof n.config.effect === 'string' ? { detail: n.config.effect } : typeof n.config.asset === 'string' ? { detail: `asset ${n.config.asset}` } : {})
  })), recipe.output)
  const token = csrfToken(ctx)
  const action = `/recipe/${encodeURIComponent(resolved.ref)}/run`
  const body = html`
<div class="title-row"><h1>${recipe.name}${recipe.version != null ? html` <span class="muted">v${recipe.version}</span>` : html``}</h1></div>
${recipe.description != null ? html`<p class="lead">${recipe.description}</p>` : effect != null ? html`<p class="lead">${effect.description}</p>` : html``}
<p class="meta">${stored != null
    ? html`Recipe <span class="mono">${shortId(stored.id)}</span> · uploaded ${when(stored.createdAt)}${stored.uploadedBy != null ? html` by ${stored.uploadedBy}` : html``}`
    : html`Effect ${effect?.name} ${effect?.version} on one input`}</p>
<div class="grid two">
<section class="card">
<h2>Run it</h2>
<form method="post" action="${action}" enctype="multipart/form-data" class="stack" id="run-form">
${csrfField(token)}
${resolved.inputs.length === 0 ? html`<p class="muted">This recipe takes no inputs.</p>` : await inputControls(deps, resolved.inputs)}
<label>Output name (optional) <input type="text" name="output_name" maxlength="200" autocomplete="off"></label>
<button type="submit">Start run</button>
</form>
</section>
<section class="card"><h2>DAG</h2><div class="dag-wrap">${dag}</div>
${stored != null ? html`<details><summary>YAML</summary><pre class="code">${stored.yaml}</pre></details>` : html``}
</section>
</div>`
  sendPage(ctx, status, { title: recipe.name, section: 'recipes', viewer: viewer(deps, ctx), body, ...(notice != null ? { notice } : {}) })
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
    const run = await deps.components.runService.submit({ recipe: resolved.ref, inputs, user, ...(outputName !== '' ? { outputName } : {}) })
    ctx.status = 303
    ctx.redirect(`/run/${run.id}`)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected) throw err
    await recipePage(deps, ctx, idOrName, { kind: 'error', ...failure.banner }, failure.status)
  }
}

import type { Context } from 'koa'
import { parseRecipe, RecipeValidationError } from '../../dag/index.js'
import type { StoredRecipe } from '../../state/index.js'
import { MAX_FORM_BYTES } from '../constants.js'
import { FormError } from '../errors.js'
import { readForm } from '../form.js'
import { html } from '../html.js'
import type { Notice } from '../layout.js'
import { describeError } from '../../util/index.js'
import { csrfField, pager, shortId, when } from '../views.js'
import { loginFirst, requireRead, requireWriter, sendPage, viewer, type WebDeps } from './context.js'
import { paging } from './runs.js'

export async function recipesPage (deps: WebDeps, ctx: Context, notice?: Notice, status = 200, draft = ''): Promise<void> {
  requireRead(deps, ctx)
  const page = await deps.components.recipes.list(paging(ctx))
  const effects = deps.components.effects.list()
  const me = viewer(deps, ctx)
  const token = me.csrfToken
  const body = html`
<div class="title-row"><h1>Recipes</h1></div>
${page.items.length === 0
    ? html`<p class="empty">No recipes stored yet: upload one below, or run a single effect.</p>`
    : html`<div class="cards">${page.items.map((r) => html`<a class="card recipe" href="/recipe/${r.id}">
<h3>${r.name}${r.version != null ? html` <span class="muted">v${r.version}</span>` : html``}</h3>
${r.description != null ? html`<p>${r.description}</p>` : html``}
<p class="small muted">${r.variableInputs.length} input${r.variableInputs.length === 1 ? '' : 's'}${r.variableInputs.length > 0 ? html`: ${r.variableInputs.map((v) => v.name).join(', ')}` : html``}</p>
<p class="small muted mono">${shortId(r.id)} · ${when(r.createdAt)}</p></a>`)}</div>`}
${pager('/recipes', {}, page)}
<section class="card">
<h2>Upload a recipe</h2>
${loginFirst(me, 'upload a recipe')}
<form method="post" action="/recipes" enctype="multipart/form-data">
${csrfField(token)}
<fieldset class="plain"${me.canWrite ? html`` : html` disabled`}>
<label>YAML file <input type="file" name="file" accept=".yaml,.yml,text/yaml,application/yaml"></label>
<label>or paste it <textarea name="yaml" rows="8" spellcheck="false" placeholder="name: my-recipe&#10;dag:&#10;  nodes: ...">${draft}</textarea></label>
<button type="submit">Upload recipe</button>
</fieldset>
</form>
</section>
<section>
<h2>Single effects</h2>
<p class="muted">Every effect also runs on its own, on one input.</p>
<div class="chips">${effects.map((e) => html`<a class="chip" href="/recipe/${encodeURIComponent(e.name)}" title="${e.description}">${e.name}</a>`)}</div>
</section>`
  sendPage(ctx, status, { title: 'Recipes', section: 'recipes', viewer: me, body, ...(notice != null ? { notice } : {}) })
}

/** POST /recipes: a YAML file or pasted YAML; problems are listed on the page */
export async function uploadRecipe (deps: WebDeps, ctx: Context): Promise<void> {
  const user = requireWriter(ctx)
  const form = await readForm(ctx, { maxFileBytes: MAX_FORM_BYTES, textFiles: true })
  const fromFile = form.fields.get('file') ?? ''
  const yaml = fromFile.trim() !== '' ? fromFile : (form.fields.get('yaml') ?? '')
  try {
    if (yaml.trim() === '') throw new FormError('Choose a YAML file or paste a recipe.')
    const parsed = parseRecipe(yaml, { effects: deps.components.effects })
    if (!parsed.ok) throw new RecipeValidationError(parsed.problems)
    const { recipe } = parsed
    const stored: StoredRecipe = {
      id: parsed.recipeId,
      name: recipe.name,
      ...(recipe.version != null ? { version: recipe.version } : {}),
      ...(recipe.description != null ? { description: recipe.description } : {}),
      yaml,
      variableInputs: parsed.variableInputs,
      uploadedBy: user,
      createdAt: new Date().toISOString()
    }
    const { recipe: saved } = await deps.components.recipes.put(stored)
    ctx.status = 303
    ctx.redirect(`/recipe/${saved.id}`)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected) throw err
    await recipesPage(deps, ctx, { kind: 'error', ...failure.banner }, failure.status, yaml)
  }
}

import type { Context } from 'koa'
import { RUN_STATUSES } from '../../state/index.js'
import type { RunRecord, RunStatus } from '../../state/index.js'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../constants.js'
import { PageNotFoundError } from '../errors.js'
import { html } from '../html.js'
import { pager } from '../views.js'
import { requireRead, sendPage, viewer, type WebDeps } from './context.js'
import { runTable } from './run-table.js'

/** `?offset=&limit=` of a listing, clamped to sane values (a listing never fails on a bad number) */
export function paging (ctx: Context): { offset: number, limit: number } {
  const number = (name: string, fallback: number): number => {
    const value = Number(ctx.query[name])
    return Number.isInteger(value) && value >= 0 ? value : fallback
  }
  const limit = Math.min(Math.max(number('limit', DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
  return { offset: number('offset', 0), limit }
}

/** how many of the newest runs a recipe filter looks through (the run store indexes runs by time and status only) */
const RECIPE_SCAN = 2000

/** the runs of one recipe (by name), newest first, among the newest RECIPE_SCAN runs of the status */
async function runsOfRecipe (deps: WebDeps, recipe: string, status: RunStatus | undefined, page: { offset: number, limit: number }): Promise<{ items: RunRecord[], total: number, scanned: boolean }> {
  const matches: RunRecord[] = []
  let offset = 0
  let total = 0
  do {
    const batch = await deps.components.runs.list({ offset, limit: 200, ...(status != null ? { status } : {}) })
    total = batch.total
    matches.push(...batch.items.filter((r) => r.recipeName === recipe))
    offset += batch.items.length
    if (batch.items.length === 0) break
  } while (offset < total && offset < RECIPE_SCAN)
  return { items: matches.slice(page.offset, page.offset + page.limit), total: matches.length, scanned: total > RECIPE_SCAN }
}

export async function runsPage (deps: WebDeps, ctx: Context): Promise<void> {
  requireRead(deps, ctx)
  const raw = typeof ctx.query.status === 'string' && ctx.query.status !== '' ? ctx.query.status : undefined
  if (raw != null && !(RUN_STATUSES as readonly string[]).includes(raw)) {
    throw new PageNotFoundError(`There is no run status "${raw}"; statuses are ${RUN_STATUSES.join(', ')}.`)
  }
  const status = raw as RunStatus | undefined
  const recipe = typeof ctx.query.recipe === 'string' && ctx.query.recipe.trim() !== '' ? ctx.query.recipe.trim() : undefined
  const paged = paging(ctx)
  const page = recipe != null
    ? { ...await runsOfRecipe(deps, recipe, status, paged), ...paged }
    : { ...await deps.components.runs.list({ ...paged, ...(status != null ? { status } : {}) }), scanned: false }
  const [recipes, effects] = [await deps.components.recipes.list({ offset: 0, limit: 200 }), deps.components.effects.list()]
  const names = [...new Set([...recipes.items.map((r) => r.name), ...effects.map((e) => e.name)])].sort()
  if (recipe != null && !names.includes(recipe)) names.unshift(recipe)
  const filters: Record<string, string> = { ...(status != null ? { status } : {}), ...(recipe != null ? { recipe } : {}) }
  const body = html`
<div class="title-row"><h1>Runs</h1><a class="button" href="/recipes">New run</a></div>
<form class="filters" method="get" action="/runs" aria-label="Filter runs">
<label>Status <select name="status"><option value="">any</option>${RUN_STATUSES.map((s) => html`<option value="${s}"${s === status ? html` selected` : html``}>${s}</option>`)}</select></label>
<label>Recipe or effect <select name="recipe"><option value="">any</option>${names.map((n) => html`<option value="${n}"${n === recipe ? html` selected` : html``}>${n}</option>`)}</select></label>
<button type="submit" class="small">Filter</button>${Object.keys(filters).length > 0 ? html` <a class="small" href="/runs">clear</a>` : html``}
</form>
${page.scanned ? html`<p class="small muted">Only the newest ${RECIPE_SCAN} runs were searched for this recipe.</p>` : html``}
<div class="card">${await runTable(deps, page.items)}</div>
${pager('/runs', filters, page)}`
  sendPage(ctx, 200, { title: status == null ? 'Runs' : `Runs: ${status}`, section: 'runs', viewer: viewer(deps, ctx), body })
}

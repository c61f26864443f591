import type { Context } from 'koa'
import { RUN_STATUSES } from '../../state/index.js'
import type { RunStatus } from '../../state/index.js'
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../constants.js'
import { PageNotFoundError } from '../errors.js'
import { html } from '../html.js'
import { pager } from '../views.js'
import { requireRead, sendPage, viewer, type WebDeps } from './context.js'
import { runTable } from './home.js'

/** `?offset=&limit=` of a listing, clamped to sane values (a listing never fails on a bad number) */
export function paging (ctx: Context): { offset: number, limit: number } {
  const number = (name: string, fallback: number): number => {
    const value = Number(ctx.query[name])
    return Number.isInteger(value) && value >= 0 ? value : fallback
  }
  const limit = Math.min(Math.max(number('limit', DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
  return { offset: number('offset', 0), limit }
}

export async function runsPage (deps: WebDeps, ctx: Context): Promise<void> {
  requireRead(deps, ctx)
  const raw = typeof ctx.query.status === 'string' && ctx.query.status !== '' ? ctx.query.status : undefined
  if (raw != null && !(RUN_STATUSES as readonly string[]).includes(raw)) {
    throw new PageNotFoundError(`There is no run status "${raw}"; statuses are ${RUN_STATUSES.join(', ')}.`)
  }
  const status = raw as RunStatus | undefined
  const page = await deps.components.runs.list({ ...paging(ctx), ...(status != null ? { status } : {}) })
  const tab = (value: RunStatus | undefined, label: string) => html`<a href="${value == null ? '/runs' : `/runs?status=${value}`}"${value === status ? html` aria-current="true"` : html``}>${label}</a>`
  const body = html`
<div class="title-row"><h1>Runs</h1><a class="button" href="/recipes">New run</a></div>
<nav class="tabs" aria-label="Filter by status">${tab(undefined, 'all')}${RUN_STATUSES.map((s) => tab(s, s))}</nav>
<div class="card">${runTable(page.items)}</div>
${pager('/runs', status != null ? { status } : {}, page)}`
  sendPage(ctx, 200, { title: status == null ? 'Runs' : `Runs: ${status}`, section: 'runs', viewer: viewer(deps, ctx), body })
}

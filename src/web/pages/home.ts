import type { Context } from 'koa'
import { RUN_STATUSES } from '../../state/index.js'
import { VERSION } from '../../version.js'
import { RECENT_RUNS } from '../constants.js'
import { html, type SafeHtml } from '../html.js'
import type { RunRecord } from '../../state/index.js'
import { badge, shortId, when } from '../views.js'
import { logoutForm } from '../layout.js'
import { requireRead, sendPage, viewer, type WebDeps } from './context.js'

/** A compact table of runs, shared by the home page and /runs */
export function runTable (runs: RunRecord[]): SafeHtml {
  if (runs.length === 0) return html`<p class="empty">No runs yet. Pick a <a href="/recipes">recipe</a> and start one.</p>`
  return html`<table class="runs">
<thead><tr><th>Status</th><th>Recipe</th><th>Run</th><th class="hide-narrow">Steps</th><th class="hide-narrow">Created</th></tr></thead>
<tbody>${runs.map((run) => {
    const done = run.steps.filter((s) => s.status === 'completed' || s.status === 'cached').length
    return html`<tr>
<td>${badge(run.status)}</td>
<td>${run.recipeName}${run.outputName != null ? html` <span class="muted">→ ${run.outputName}</span>` : html``}</td>
<td><a class="mono" href="/run/${run.id}">${shortId(run.id)}</a></td>
<td class="hide-narrow">${done}/${run.steps.length}</td>
<td class="hide-narrow">${when(run.createdAt)}</td>
</tr>`
  })}</tbody></table>`
}

export async function homePage (deps: WebDeps, ctx: Context): Promise<void> {
  requireRead(deps, ctx)
  const { runs, recipes, content, assets, mesh } = deps.components
  const [recent, counts, recipeCount, contentCount, assetList] = await Promise.all([
    runs.list({ offset: 0, limit: RECENT_RUNS }),
    Promise.all(RUN_STATUSES.map(async (status) => [status, await runs.count(status)] as const)),
    recipes.list({ offset: 0, limit: 1 }).then((p) => p.total),
    content.list({ offset: 0, limit: 1 }).then((p) => p.total),
    assets.list()
  ])
  const peers = mesh.peers()
  const addresses = mesh.multiaddrs()
  const body = html`
<section class="hero">
  <h1>Render node</h1>
  <p class="lead">Recipes of media effects, rendered once and shared by content id across the mesh.</p>
  <div class="actions"><a class="button" href="/recipes">Start a run</a> <a class="button ghost" href="/media">Upload media</a> <a class="button ghost" href="/download/client">Get the CLI</a></div>
</section>
<section class="stats">
  <a class="stat" href="/runs"><strong>${recent.total}</strong><span>runs</span></a>
  <a class="stat" href="/recipes"><strong>${recipeCount}</strong><span>recipes</span></a>
  <a class="stat" href="/media"><strong>${contentCount}</strong><span>media items</span></a>
  <span class="stat"><strong>${assetList.length}</strong><span>assets</span></span>
  <span class="stat"><strong>${peers.length}</strong><span>peers</span></span>
</section>
<div class="status-counts">${counts.filter(([, n]) => n > 0).map(([status, n]) => html`<a href="/runs?status=${status}">${badge(status)} ${n}</a>`)}</div>
<section class="grid two">
  <div class="card">
    <h2>Recent runs</h2>
    ${runTable(recent.items)}
    <p><a href="/runs">All runs →</a></p>
  </div>
  <div class="card">
    <h2>This node</h2>
    <dl class="facts">
      <dt>Version</dt><dd>artdag-l1 ${VERSION}</dd>
      <dt>Peer id</dt><dd class="mono wrap">${mesh.peerId}</dd>
      <dt>Listening on</dt><dd>${addresses.length === 0 ? html`<span class="muted">no addresses</span>` : html`<ul class="plain mono wrap">${addresses.map((a) => html`<li>${a}</li>`)}</ul>`}</dd>
      <dt>Connected peers</dt><dd>${peers.length === 0 ? html`<span class="muted">none</span>` : html`<ul class="plain mono wrap">${peers.map((p) => html`<li>${shortId(p, 24)}</li>`)}</ul>`}</dd>
      <dt>Auth</dt><dd>${deps.components.config.authMode}</dd>
    </dl>
    <p class="muted small">JSON clients get this information from <code>GET /</code> with <code>Accept: application/json</code>.</p>
  </div>
</section>`
  sendPage(ctx, 200, { title: 'Home', section: 'home', viewer: viewer(deps, ctx), body })
}

export async function loginPage (deps: WebDeps, ctx: Context): Promise<void> {
  const { authMode, l2Server } = deps.components.config
  const me = viewer(deps, ctx)
  let body: SafeHtml
  if (authMode === 'none') {
    body = html`<h1>Log in</h1><p>This node runs without authentication (auth mode <code>none</code>): everyone may read and write.</p>`
  } else if (authMode === 'local') {
    body = html`<h1>Log in</h1>
<form class="card narrow" method="get" action="/auth">
  <p>Paste the admin token the node printed when it first started.</p>
  <label>Admin token <input type="password" name="token" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>`
  } else {
    body = html`<h1>Log in</h1>
<div class="card narrow"><p>This node trusts accounts of an L2 registry. Open your account on L2, attach this render node
from its renderers page, and L2 sends you back here logged in.</p>
${l2Server != null ? html`<p><a class="button" href="${l2Server}">Go to L2</a></p>` : html`<p class="muted">No L2 server is configured.</p>`}</div>`
  }
  if (me.name != null) body = html`${body}<p class="muted">You are logged in as <strong>${me.name}</strong>.</p>${logoutForm(me)}`
  sendPage(ctx, 200, { title: 'Log in', section: 'none', viewer: me, body })
}

import { VERSION } from '../version.js'
import { html, type SafeHtml } from './html.js'
import { csrfField } from './views.js'

export type Section = 'home' | 'runs' | 'recipes' | 'effects' | 'media' | 'none'

export interface Viewer {
  /** the logged-in user's name; undefined when anonymous */
  name?: string
  authMode: 'l2' | 'local' | 'none'
  /** whether this visitor may write (start runs, upload): forms are offered only then */
  canWrite: boolean
  /** the session's CSRF token ('' without a session): for forms and app.js's fetches */
  csrfToken: string
}

export interface Notice {
  kind: 'error' | 'ok'
  message: string
  problems?: string[]
}

export interface PageInit {
  title: string
  section: Section
  viewer: Viewer
  body: SafeHtml
  notice?: Notice
}

const NAV: Array<[Section, string, string]> = [
  ['home', '/', 'Home'], ['runs', '/runs', 'Runs'], ['recipes', '/recipes', 'Recipes'], ['effects', '/effects', 'Effects'], ['media', '/media', 'Media']
]

function account (viewer: Viewer): SafeHtml {
  if (viewer.authMode === 'none') return html`<span class="user muted" title="auth mode none: everyone may write">open node</span>`
  if (viewer.name == null) return html`<a class="button small" href="/login">Log in</a>`
  return html`<span class="user">${viewer.name}</span> ${logoutForm(viewer)}`
}

/** logging out is a write: a form with the CSRF field, not a link */
export function logoutForm (viewer: Viewer): SafeHtml {
  return html`<form class="inline" method="post" action="/logout">${csrfField(viewer.csrfToken)}<button type="submit" class="small ghost">Log out</button></form>`
}

export function noticeBox (notice: Notice | undefined): SafeHtml {
  if (notice == null) return html``
  const problems = notice.problems != null && notice.problems.length > 0
    ? html`<ul>${notice.problems.map((p) => html`<li>${p}</li>`)}</ul>`
    : html``
  return html`<div class="notice ${notice.kind}" role="${notice.kind === 'error' ? 'alert' : 'status'}"><p>${notice.message}</p>${problems}</div>`
}

/** The page shell: header with navigation and login state, the body, a footer */
export function layout (init: PageInit): string {
  return '<!doctype html>\n' + html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="csrf-token" content="${init.viewer.csrfToken}">
<title>${init.title} · Art DAG L1</title>
<link rel="icon" type="image/svg+xml" href="/static/favicon.svg?v=${VERSION}">
<link rel="stylesheet" href="/static/app.css?v=${VERSION}">
<script src="/static/app.js?v=${VERSION}" defer></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/"><span class="logo" aria-hidden="true">◆</span> Art DAG <span class="muted">L1</span></a>
  <nav>${NAV.map(([section, href, label]) => html`<a href="${href}"${section === init.section ? html` aria-current="page"` : html``}>${label}</a>`)}</nav>
  <div class="account">${account(init.viewer)}</div>
</header>
<main>
${noticeBox(init.notice)}
${init.body}
</main>
<footer><span>artdag-l1 ${VERSION}</span> · <a href="/docs">API docs</a> · <a href="/download/client">CLI client</a></footer>
</body>
</html>`.value
}

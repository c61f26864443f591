import type { Context } from 'koa'
import { currentUser } from '../../auth/index.js'
import type { Logger } from '../../util/index.js'
import { LoginRequiredError } from '../errors.js'
import { describeError } from '../../util/index.js'
import { html, raw, type SafeHtml } from '../html.js'
import { layout, type PageInit, type Viewer } from '../layout.js'
import type { WebUiComponents } from '../ports.js'

/** What every page handler gets */
export interface WebDeps {
  components: WebUiComponents
  log: Logger
}

const CSP = [
  "default-src 'self'", "img-src 'self' data: blob:", "media-src 'self' blob:", "style-src 'self'", "script-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'"
].join('; ')

export function viewer (deps: WebDeps, ctx: Context): Viewer {
  const user = currentUser(ctx)
  return {
    authMode: deps.components.config.authMode,
    ...(user != null && user.name !== 'anonymous' ? { name: user.name } : {}),
    canWrite: user != null,
    csrfToken: csrfToken(ctx)
  }
}

/**
 * The CSRF token of the browser session, for the pages' forms (first field) and app.js's fetches
 * (X-CSRF-Token); empty without a session, when the auth middleware asks for none
 */
export function csrfToken (ctx: Context): string {
  return currentUser(ctx)?.csrfToken ?? ''
}

/** Writes a whole page with the security headers every page carries */
export function sendPage (ctx: Context, status: number, init: PageInit): void {
  ctx.status = status
  ctx.type = 'text/html; charset=utf-8'
  ctx.set({
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store'
  })
  ctx.body = layout(init)
}

/**
 * Shown in place of a form's fields to a visitor who may not write, before they fill anything in; the
 * fields stay visible (disabled) so they see what the form asks for
 */
export function loginFirst (me: Viewer, what: string): SafeHtml {
  if (me.canWrite) return html``
  return html`<div class="notice info" role="status"><p>Log in to ${what}.</p><p><a class="button small" href="/login">Log in</a></p></div>`
}

/** Pages are readable without login unless the node says otherwise */
export function requireRead (deps: WebDeps, ctx: Context): void {
  if (!deps.components.auth.isReadAllowed(ctx)) {
    throw new LoginRequiredError('This node does not show its content to anonymous visitors: log in first.')
  }
}

/** The user name for a write; throws LoginRequiredError when nobody is logged in */
export function requireWriter (ctx: Context): string {
  const user = currentUser(ctx)
  if (user == null) throw new LoginRequiredError('You need to log in to do this.')
  return user.name
}

/** Renders an error as a page (a stack trace never reaches the browser) */
export function sendError (deps: WebDeps, ctx: Context, err: unknown): void {
  const failure = describeError(err)
  if (!failure.expected) deps.log.error({ err, path: ctx.path }, 'page failed')
  const login = failure.status === 401 ? `<p><a class="button" href="/login">Log in</a></p>` : ''
  sendPage(ctx, failure.status, {
    title: failure.status === 404 ? 'Not found' : 'Error',
    section: 'none',
    viewer: viewer(deps, ctx),
    notice: { kind: 'error', ...failure.banner },
    body: raw(`<p><a href="/">Back to the home page</a></p>${login}`)
  })
}

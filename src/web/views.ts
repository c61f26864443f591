import { previewKind } from '../content/index.js'
import { CSRF_FIELD } from '../auth/index.js'
import type { Cid } from '../dag/index.js'
import { html, type SafeHtml } from './html.js'

/** A coloured status label (run or step status) */
export function badge (status: string): SafeHtml {
  return html`<span class="badge status-${status}" data-status="${status}">${status}</span>`
}

export function shortId (id: string, length = 12): string {
  return id.length > length ? `${id.slice(0, length)}…` : id
}

export function formatBytes (bytes: number | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '?'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit] ?? 'B'}`
}

/** ISO time rendered as `YYYY-MM-DD HH:MM:SS UTC`, with the ISO string in a <time> element */
export function when (iso: string | undefined): SafeHtml {
  if (iso == null) return html`<span class="muted">—</span>`
  const text = iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')
  return html`<time datetime="${iso}">${text}</time>`
}

export function duration (ms: number | undefined): string {
  if (ms == null) return ''
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

/**
 * A preview of stored content, only for the allow-listed image, video and audio types (previewKind);
 * anything else is a download link (the node serves it as an attachment)
 */
export function preview (cid: Cid | string, mediaType: string | undefined, size: 'thumb' | 'large' = 'thumb'): SafeHtml {
  const src = `/cache/${cid}`
  const kind = previewKind(mediaType)
  if (kind === 'image') return html`<img class="preview ${size}" src="${src}" alt="image ${shortId(cid, 16)}" loading="lazy">`
  if (kind === 'video') {
    // a thumbnail shows the first frame and plays on hover (app.js): controls would cover the picture
    return size === 'large'
      ? html`<video class="preview large" src="${src}" muted loop playsinline preload="metadata" controls autoplay></video>`
      : html`<video class="preview thumb" src="${src}#t=0.1" muted loop playsinline preload="metadata" data-hover-play></video>`
  }
  if (kind === 'audio') return html`<audio class="preview ${size}" src="${src}" controls preload="none"></audio>`
  return html`<a class="preview file ${size}" href="${src}" download><span>${mediaType == null || mediaType === '' ? 'file' : mediaType}</span></a>`
}

export function cidLink (cid: string): SafeHtml {
  return html`<a class="mono" href="/cache/${cid}" title="${cid}">${shortId(cid, 18)}</a>`
}

/** previous / next links of a paged listing */
export function pager (base: string, params: Record<string, string>, page: { offset: number, limit: number, total: number }): SafeHtml {
  const link = (offset: number): string => {
    const query = new URLSearchParams({ ...params, offset: String(offset), limit: String(page.limit) })
    return `${base}?${query.toString()}`
  }
  const from = page.total === 0 ? 0 : page.offset + 1
  const to = Math.min(page.offset + page.limit, page.total)
  return html`<nav class="pager">
${page.offset > 0 ? html`<a class="button small ghost" href="${link(Math.max(0, page.offset - page.limit))}" rel="prev">← Newer</a>` : html`<span></span>`}
<span class="muted">${from}–${to} of ${page.total}</span>
${to < page.total ? html`<a class="button small ghost" href="${link(page.offset + page.limit)}" rel="next">Older →</a>` : html`<span></span>`}
</nav>`
}

/** The hidden CSRF field; it must be the first field of a form that carries files */
export function csrfField (token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`
}

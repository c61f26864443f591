import type { Context } from 'koa'
import { asCid, isCid } from '../../dag/index.js'
import { FormError, PageNotFoundError } from '../errors.js'
import { describeError } from '../../util/index.js'
import { readForm } from '../form.js'
import { html } from '../html.js'
import type { Notice } from '../layout.js'
import { cidLink, csrfField, formatBytes, pager, preview, when } from '../views.js'
import { loginFirst, requireRead, requireWriter, sendPage, viewer, type WebDeps } from './context.js'
import { paging } from './runs.js'

export async function mediaPage (deps: WebDeps, ctx: Context, notice?: Notice, status = 200): Promise<void> {
  requireRead(deps, ctx)
  const { content } = deps.components
  const listed = await content.list(paging(ctx))
  // content used by a run or published to L2 cannot be deleted: it gets no Delete button, but the reason
  const items = await Promise.all(listed.items.map(async (item) => {
    const [refs, published] = await Promise.all([content.refs(item.cid), content.isPublished(item.cid)])
    return { ...item, keptBecause: published ? 'published to L2' : refs > 0 ? `used by ${refs} run${refs === 1 ? '' : 's'}` : undefined }
  }))
  const page = { ...listed, items }
  const me = viewer(deps, ctx)
  const token = me.csrfToken
  const uploaded = typeof ctx.query.uploaded === 'string' && isCid(ctx.query.uploaded) ? ctx.query.uploaded : undefined
  const shown = notice ?? (uploaded != null ? { kind: 'ok' as const, message: `Uploaded ${uploaded}.` } : undefined)
  const body = html`
<div class="title-row"><h1>Media</h1></div>
<section class="card">
${loginFirst(me, 'upload media')}
<form method="post" action="/media" enctype="multipart/form-data" class="upload-row">
${csrfField(token)}
<label class="grow">Upload an image, video or sound <input type="file" name="file" required${me.canWrite ? html`` : html` disabled`}></label>
<button type="submit"${me.canWrite ? html`` : html` disabled`}>Upload</button>
</form>
<p class="small muted">Up to ${formatBytes(deps.components.config.maxUploadBytes)}. Files are stored by content id (CID): the same bytes always get the same CID.</p>
</section>
${page.items.length === 0
    ? html`<p class="empty">Nothing stored yet.</p>`
    : html`<div class="media-grid">${page.items.map((item) => html`<article class="card media-item" data-cid="${item.cid}" data-api-item>
${preview(item.cid, item.mediaType)}
<h3 title="${item.name ?? item.cid}">${item.name ?? 'unnamed'}</h3>
<p class="small muted">${item.mediaType} · ${formatBytes(item.size)} · ${when(item.addedAt)}</p>
<p class="small">${cidLink(item.cid)}</p>
${item.keptBecause != null
    ? html`<p class="small muted kept">Kept: ${item.keptBecause}</p>`
    : me.canWrite ? html`<form method="post" action="/media/${item.cid}/delete" data-confirm="Delete this item?" data-api-method="DELETE" data-api-url="/cache/${item.cid}">${csrfField(token)}<button type="submit" class="small danger ghost">Delete</button></form>` : html``}
</article>`)}</div>`}
${pager('/media', {}, page)}
<p class="small muted">Inputs and outputs of runs and items published to L2 cannot be deleted; intermediate results and unused uploads can.</p>`
  sendPage(ctx, status, { title: 'Media', section: 'media', viewer: me, body, ...(shown != null ? { notice: shown } : {}) })
}

/** POST /media: one file, streamed into the store */
export async function uploadMedia (deps: WebDeps, ctx: Context): Promise<void> {
  const { library, config } = deps.components
  requireWriter(ctx)
  try {
    const form = await readForm(ctx, { maxFileBytes: config.maxUploadBytes, upload: async (source, init) => await library.upload(source, init) })
    const file = form.files[0]
    if (file == null) throw new FormError('Choose a file to upload.')
    ctx.status = 303
    ctx.redirect(`/media?uploaded=${file.cid}`)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected || failure.status === 403) throw err
    await mediaPage(deps, ctx, { kind: 'error', ...failure.banner }, failure.status)
  }
}

/** POST /media/{cid}/delete: the deletion rules decide; a refusal is shown on the page */
export async function deleteMedia (deps: WebDeps, ctx: Context, value: string): Promise<void> {
  if (!isCid(value)) throw new PageNotFoundError(`"${value}" is not a CID.`)
  requireWriter(ctx)
  await readForm(ctx, { maxFileBytes: 0 })
  const cid = asCid(value)
  try {
    await deps.components.library.deleteContent(cid)
  } catch (err) {
    const failure = describeError(err)
    if (!failure.expected) throw err
    await mediaPage(deps, ctx, { kind: 'error', ...failure.banner, message: `Cannot delete ${cid}: ${failure.banner.message}` }, failure.status)
    return
  }
  ctx.status = 303
  ctx.redirect('/media')
}

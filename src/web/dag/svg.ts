import { html, type SafeHtml } from '../html.js'
import { layoutDag, type Point } from './layout.js'

export interface DagNode {
  id: string
  type: string
  /** second line: the effect name, a config summary... */
  detail?: string
  inputs: string[]
  /** step status, for run pages (becomes a CSS class, updated live by app.js) */
  status?: string
  /** the step's result, for run pages: drawn as a thumbnail in the box and linked */
  result?: { cid: string, kind: 'image' | 'video' | 'other' }
}

/** one box size for every node, on recipe and run pages alike, so both draw the same graph */
export const NODE_W = 200
export const NODE_H = 58
const THUMB_W = 60
const THUMB_H = 44

function clip (text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

function pathOf (points: Point[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${Math.round(p.x * 10) / 10},${Math.round(p.y * 10) / 10}`).join(' ')
}

function thumbnail (result: NonNullable<DagNode['result']>): SafeHtml {
  const x = NODE_W - THUMB_W - 7
  const y = (NODE_H - THUMB_H) / 2
  const src = `/cache/${result.cid}`
  if (result.kind === 'image') {
    return html`<image class="thumb" href="${src}" x="${x}" y="${y}" width="${THUMB_W}" height="${THUMB_H}" preserveAspectRatio="xMidYMid meet"/>`
  }
  if (result.kind === 'video') {
    // an SVG image cannot show a video: the HTML video element inside a foreignObject can (first frame, no controls)
    return html`<foreignObject x="${x}" y="${y}" width="${THUMB_W}" height="${THUMB_H}"><video class="thumb" src="${src}#t=0.1" muted playsinline preload="metadata"></video></foreignObject>`
  }
  return html``
}

/**
 * The DAG as an inline SVG at its natural size (labels never shrink; a wide graph scrolls in its
 * frame), laid out by ELK (./layout.ts). Every node carries `data-step` so pages can restyle it;
 * every edge carries `data-from`/`data-to`.
 */
export async function dagSvg (nodes: DagNode[], output?: string): Promise<SafeHtml> {
  if (nodes.length === 0) return html`<p class="muted">This DAG has no nodes.</p>`
  const laid = await layoutDag(nodes.map((n) => ({ id: n.id, inputs: n.inputs, width: NODE_W, height: NODE_H })))
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const edges = laid.edges.map((e) => html`<path class="edge" data-from="${e.from}" data-to="${e.to}" d="${pathOf(e.points)}" marker-end="url(#arrow)"/>`)
  const boxes = laid.nodes.map((p) => {
    const node = byId.get(p.id)
    if (node == null) return html``
    const classes = ['node', `type-${node.type.toLowerCase()}`, node.status != null ? `status-${node.status}` : '', node.id === output ? 'output' : '']
      .filter((c) => c !== '').join(' ')
    const thumb = node.result != null && node.result.kind !== 'other'
    const chars = thumb ? 16 : 23
    const box = html`<title>${node.id} (${node.type})${node.detail != null ? `: ${node.detail}` : ''}</title>
<rect width="${NODE_W}" height="${NODE_H}" rx="8"/>
<text x="12" y="24" class="node-id">${clip(node.id, chars)}</text>
<text x="12" y="43" class="node-detail">${clip(node.detail != null ? `${node.type} · ${node.detail}` : node.type, chars + 2)}</text>
${node.result != null ? thumbnail(node.result) : html``}`
    return html`<g class="${classes}" data-step="${node.id}" transform="translate(${p.x},${p.y})">${node.result != null ? html`<a href="/cache/${node.result.cid}">${box}</a>` : box}</g>`
  })
  return html`<svg class="dag" viewBox="0 0 ${laid.width} ${laid.height}" width="${laid.width}" height="${laid.height}" role="img" aria-label="DAG of ${nodes.length} nodes">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
${edges}${boxes}</svg>`
}

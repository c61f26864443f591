import { html, type SafeHtml } from './html.js'

export interface DagNode {
  id: string
  type: string
  /** second line: the effect name, a config summary... */
  detail?: string
  inputs: string[]
  /** step status, for run pages (becomes a CSS class, updated live by app.js) */
  status?: string
}

const NODE_W = 156
const NODE_H = 46
const COL_W = 208
const ROW_H = 66
const PAD = 12

function clip (text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

/** Level of each node: 0 for nodes without inputs, else 1 + the deepest input (cycles are cut) */
export function levels (nodes: DagNode[]): Map<string, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]))
  const level = new Map<string, number>()
  const visiting = new Set<string>()
  const visit = (id: string): number => {
    const known = level.get(id)
    if (known != null) return known
    const node = byId.get(id)
    if (node == null || visiting.has(id)) return -1
    visiting.add(id)
    const value = node.inputs.reduce((max, input) => Math.max(max, visit(input) + 1), 0)
    visiting.delete(id)
    level.set(id, value)
    return value
  }
  for (const node of nodes) visit(node.id)
  return level
}

/**
 * The DAG as an inline SVG laid out by levels, left to right: sources in the first column, each
 * node one column right of its deepest input. Every node carries `data-step` so pages can restyle it.
 */
export function dagSvg (nodes: DagNode[], output?: string): SafeHtml {
  if (nodes.length === 0) return html`<p class="muted">This DAG has no nodes.</p>`
  const level = levels(nodes)
  const columns: DagNode[][] = []
  for (const node of nodes) {
    const l = level.get(node.id) ?? 0
    ;(columns[l] ??= []).push(node)
  }
  const tallest = Math.max(...columns.map((c) => c?.length ?? 0))
  const height = PAD * 2 + (tallest - 1) * ROW_H + NODE_H
  const width = PAD * 2 + (columns.length - 1) * COL_W + NODE_W
  const pos = new Map<string, { x: number, y: number }>()
  columns.forEach((column, l) => {
    const offset = (height - PAD * 2 - ((column.length - 1) * ROW_H + NODE_H)) / 2
    column.forEach((node, row) => pos.set(node.id, { x: PAD + l * COL_W, y: PAD + offset + row * ROW_H }))
  })
  const edges = nodes.flatMap((node) => node.inputs.map((input, i) => {
    const from = pos.get(input)
    const to = pos.get(node.id)
    if (from == null || to == null) return html``
    const x1 = from.x + NODE_W
    const y1 = from.y + NODE_H / 2
    const x2 = to.x - 4
    const y2 = to.y + NODE_H / 2 + (node.inputs.length > 1 ? (i - (node.inputs.length - 1) / 2) * 8 : 0)
    const mid = (x1 + x2) / 2
    return html`<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>`
  }))
  const boxes = nodes.map((node) => {
    const p = pos.get(node.id) ?? { x: 0, y: 0 }
    const classes = ['node', `type-${node.type.toLowerCase()}`, node.status != null ? `status-${node.status}` : '', node.id === output ? 'output' : '']
      .filter((c) => c !== '').join(' ')
    return html`<g class="${classes}" data-step="${node.id}" transform="translate(${p.x},${p.y})">
<title>${node.id} (${node.type})${node.detail != null ? `: ${node.detail}` : ''}</title>
<rect width="${NODE_W}" height="${NODE_H}" rx="8"/>
<text x="12" y="19" class="node-id">${clip(node.id, 20)}</text>
<text x="12" y="36" class="node-detail">${clip(node.detail != null ? `${node.type} · ${node.detail}` : node.type, 24)}</text>
</g>`
  })
  return html`<svg class="dag" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="DAG of ${nodes.length} nodes">
<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z"/></marker></defs>
${edges}${boxes}</svg>`
}

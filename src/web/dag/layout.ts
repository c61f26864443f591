import elkBundled from 'elkjs/lib/elk.bundled.js'
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js'

// elkjs is CommonJS: its module.exports is the constructor, which its typings call the default export's default
const Elk = elkBundled as unknown as new () => ELK

/** What the layout needs of a node: its id, its size and the nodes it reads, in order */
export interface LayoutNode {
  id: string
  inputs: string[]
  width: number
  height: number
}

export interface Point { x: number, y: number }

export interface PlacedNode { id: string, x: number, y: number, width: number, height: number }

/** One drawn edge: from an input node to the node that reads it (`index`: which of its inputs) */
export interface PlacedEdge { from: string, to: string, index: number, points: Point[] }

export interface DagLayout {
  width: number
  height: number
  nodes: PlacedNode[]
  edges: PlacedEdge[]
}

/**
 * ELK's layered layout with orthogonal edges: ELK routes every edge through the
 * gaps between layers and nodes, so no edge passes through a box it does not connect. Each input
 * of a node is a port of its own on the side facing its inputs, in recipe order (SEQUENCE's first input first).
 */
const OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.padding': '[top=12,left=12,bottom=12,right=12]',
  'elk.spacing.nodeNode': '22',
  'elk.spacing.edgeNode': '14',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.nodeNodeBetweenLayers': '56',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX'
}

let engine: ELK | undefined

/** the width a DAG may take before it is drawn top to bottom instead (a page's content column) */
export const FIT_WIDTH = 1080

/**
 * Left to right reads best, but a long chain gets wider than the page: then the graph is drawn top to
 * bottom, unless that is wider still.
 */
export async function layoutDag (nodes: LayoutNode[]): Promise<DagLayout> {
  const across = await layoutOnce(nodes, 'RIGHT')
  if (across.width <= FIT_WIDTH) return across
  const down = await layoutOnce(nodes, 'DOWN')
  return down.width < across.width ? down : across
}

async function layoutOnce (nodes: LayoutNode[], direction: 'RIGHT' | 'DOWN'): Promise<DagLayout> {
  engine ??= new Elk()
  const [inSide, outSide] = direction === 'RIGHT' ? ['WEST', 'EAST'] : ['NORTH', 'SOUTH']
  const known = new Set(nodes.map((n) => n.id))
  const edges: ElkExtendedEdge[] = []
  const children: ElkNode[] = nodes.map((node) => ({
    id: node.id,
    width: node.width,
    height: node.height,
    layoutOptions: { 'elk.portConstraints': 'FIXED_ORDER' },
    ports: [
      { id: `${node.id}\u0000out`, layoutOptions: { 'elk.port.side': outSide } },
      // FIXED_ORDER counts clockwise: from the bottom up on the west side, left to right on the north side
      ...node.inputs.map((_, i) => ({ id: `${node.id}\u0000in${i}`, layoutOptions: { 'elk.port.side': inSide, 'elk.port.index': String(direction === 'RIGHT' ? node.inputs.length - 1 - i : i) } }))
    ]
  }))
  for (const node of nodes) {
    node.inputs.forEach((input, i) => {
      // a dangling input (a plan without that step) is simply not drawn
      if (!known.has(input) || input === node.id) return
      edges.push({ id: `e${edges.length}`, sources: [`${input}\u0000out`], targets: [`${node.id}\u0000in${i}`] })
    })
  }
  const graph: ElkNode = { id: 'root', layoutOptions: { ...OPTIONS, 'elk.direction': direction }, children, edges }
  const laid: ElkNode = await engine.layout(graph)
  const edgeInfo = new Map(edges.map((e) => {
    const [to, port] = (e.targets[0] ?? '').split('\u0000')
    return [e.id, { from: (e.sources[0] ?? '').split('\u0000')[0] ?? '', to: to ?? '', index: Number((port ?? 'in0').slice(2)) }]
  }))
  return {
    width: Math.ceil(laid.width ?? 0),
    height: Math.ceil(laid.height ?? 0),
    nodes: (laid.children ?? []).map((c) => ({ id: c.id, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 })),
    edges: (laid.edges ?? []).flatMap((e) => {
      const info = edgeInfo.get(e.id)
      if (info == null) return []
      const points = (e.sections ?? []).flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])
      return [{ ...info, points }]
    })
  }
}

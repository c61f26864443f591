import fc from 'fast-check'
import type { Recipe, RecipeNode } from '../../src/dag/index.js'

/** A small pool of CIDs, so random recipes often share inputs (and so share lineage) */
export const CID_POOL = [
  'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy',
  'bafkreidvbhs33ighmljlvr7zbv2ywwzcmp5adtf4kqvlly67cy56bdtmve',
  'bafkreibm6jg3ux5qumhcn2b3flc3tyu6dmlb4xa7u5bf44yegnrjhc4yeq'
]

export interface NodeChoice {
  kind: number
  picks: number[]
  variant: number
}

/** Configs per kind, indexed by `variant`; they include spelled-out defaults on purpose */
const KINDS: Array<{ type: RecipeNode['type'], arity: [number, number], configs: Array<Record<string, unknown>> }> = [
  { type: 'EFFECT', arity: [1, 1], configs: [0, 0.25, 0.5, 1].map(intensity => ({ effect: 'invert', params: { intensity } })) },
  { type: 'EFFECT', arity: [1, 1], configs: [0, 2, 5, 9].map(radius => ({ effect: 'blur', params: { radius } })) },
  { type: 'RESIZE', arity: [1, 1], configs: [{ width: 160, height: 120 }, { width: 160, height: 120, mode: 'fit' }, { width: 320, height: 240, mode: 'pad' }, { width: 320, height: 240, mode: 'fill' }] },
  { type: 'SEGMENT', arity: [1, 1], configs: [{ duration: 1 }, { offset: 0, duration: 1 }, { offset: 0.5, duration: 1 }, { offset: 0.5 }] },
  { type: 'TRANSFORM', arity: [1, 1], configs: [{ effects: { saturation: 1.5 } }, { effects: { hue: 30 } }, { effects: { saturation: 1.5, hue: 30 } }, { effects: {} }] },
  { type: 'BLEND', arity: [2, 2], configs: [{}, { mode: 'screen' }, { mode: 'screen', opacity: 0.8 }, { mode: 'overlay', opacity: 0.5 }] },
  { type: 'SEQUENCE', arity: [1, 3], configs: [{}, { transition: { type: 'crossfade', duration: 0.5 } }, { transition: { type: 'crossfade', duration: 1 } }, { transition: { type: 'cut' } }] }
]

export const nodeChoice: fc.Arbitrary<NodeChoice> = fc.record({
  kind: fc.nat({ max: KINDS.length - 1 }),
  picks: fc.array(fc.nat({ max: 50 }), { minLength: 3, maxLength: 3 }),
  variant: fc.nat({ max: 3 })
})

export interface RandomRecipe {
  recipe: Recipe
  inputs: Record<string, string>
}

/** 1-3 variable sources, then 1-6 nodes whose inputs are earlier nodes; the last node is the output */
export const randomRecipe: fc.Arbitrary<RandomRecipe> = fc.record({
  sources: fc.array(fc.nat({ max: CID_POOL.length - 1 }), { minLength: 1, maxLength: 3 }),
  nodes: fc.array(nodeChoice, { minLength: 1, maxLength: 6 })
}).map(({ sources, nodes }) => {
  const out: RecipeNode[] = sources.map((_, i) => ({ id: `in${i}`, type: 'SOURCE', config: { input: true, name: `in${i}` }, inputs: [] }))
  const inputs = Object.fromEntries(sources.map((c, i) => [`in${i}`, CID_POOL[c] as string]))
  nodes.forEach((choice, i) => {
    const kind = KINDS[choice.kind] as typeof KINDS[number]
    const [min, max] = kind.arity
    const count = min + ((choice.picks[0] ?? 0) % (max - min + 1))
    const picks = Array.from({ length: count }, (_, j) => out[(choice.picks[j] ?? j) % out.length]?.id as string)
    out.push({ id: `n${i}`, type: kind.type, config: structuredClone(kind.configs[choice.variant] ?? {}), inputs: picks })
  })
  return {
    recipe: { name: 'random', registry: { assets: {}, effects: {} }, nodes: out, output: out.at(-1)?.id as string },
    inputs
  }
})

/** Node ids that depend on `id` (including itself) */
export function dependents (recipe: Recipe, id: string): Set<string> {
  const found = new Set([id])
  let grew = true
  while (grew) {
    grew = false
    for (const node of recipe.nodes) {
      if (!found.has(node.id) && node.inputs.some(i => found.has(i))) {
        found.add(node.id)
        grew = true
      }
    }
  }
  return found
}

/** A Recipe back in the YAML document layout */
export function recipeDoc (recipe: Recipe): Record<string, unknown> {
  const { nodes, output, ...rest } = recipe
  return { ...rest, dag: { nodes, output } }
}

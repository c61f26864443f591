import type { Recipe, RecipeNode } from '../../src/dag/index.js'

/** A recipe made wrong in one known way, and the problem the node must name for it */
export interface Corrupted {
  recipe: Recipe
  /** the problem's `code` */
  code: string
  /** the problem's `message` */
  message: RegExp
}

export interface Corruption {
  name: string
  /** breaks a valid recipe; `name` is fuzzed text (any script, bidi overrides, quotes), `huge` a number far out of range */
  apply(recipe: Recipe, name: string, huge: number): Corrupted
}

function escapeRe (s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

const exact = (s: string): RegExp => new RegExp(`^${escapeRe(s)}$`)

/** Appends `node` fed by the current output and makes it the output */
function append (recipe: Recipe, node: Omit<RecipeNode, 'inputs'> & { inputs?: string[] }): Recipe {
  const node2: RecipeNode = { inputs: [recipe.output], ...node }
  return { ...recipe, nodes: [...recipe.nodes, node2], output: node2.id }
}

/** a value nested `depth` levels deep, alternating lists and `__proto__` / `constructor` maps */
function nested (depth: number): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? [value] : { [i % 4 === 1 ? '__proto__' : 'constructor']: value }
  return value
}

/** Structurally valid YAML documents that are wrong recipes: the fuzzed DAGs of the bad-input suite */
export const corruptions: Corruption[] = [
  {
    name: 'cycle',
    apply: (recipe) => {
      const looped = append(append(recipe, { id: 'loop-a', type: 'EFFECT', config: { effect: 'invert' }, inputs: ['loop-b'] }),
        { id: 'loop-b', type: 'EFFECT', config: { effect: 'invert' }, inputs: ['loop-a'] })
      return { recipe: looped, code: 'cycle', message: /^cycle: (loop-a -> loop-b -> loop-a|loop-b -> loop-a -> loop-b)$/ }
    }
  },
  {
    name: 'unknown effect',
    apply: (recipe, name) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: `no-such-${name}` } }), code: 'unknown-effect', message: new RegExp(`^unknown effect "no-such-${escapeRe(name)}" \\(known: blur, brightness, .*, zoom\\)$`) })
  },
  {
    name: 'param of the wrong type',
    apply: (recipe, name) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'blur', params: { radius: `r${name}` } } }), code: 'param-type', message: /^parameter "radius" must be a number, got / })
  },
  {
    name: 'huge param',
    apply: (recipe, _name, huge) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'blur', params: { radius: huge } } }), code: 'param-range', message: exact(`parameter "radius" must be within 0.1..50, got ${huge}`) })
  },
  {
    name: 'unknown param',
    apply: (recipe, name) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'blur', params: { [`x-${name}`]: 1 } } }), code: 'unknown-param', message: exact(`effect "blur" has no parameter "x-${name}" (known: radius)`) })
  },
  {
    name: 'nesting within the limit',
    apply: (recipe, _name, huge) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'blur', params: { radius: nested(1 + Math.floor(huge % 12)) } } }), code: 'param-type', message: /^parameter "radius" must be a number, got / })
  },
  {
    name: 'nesting past the limit',
    apply: (recipe, _name, huge) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'blur', params: { radius: nested(40 + Math.floor(huge % 160)) } } }), code: 'too-deep', message: exact('nesting deeper than 32 levels ([, { and indentation together); at most 32 are allowed') })
  },
  {
    name: 'unknown input node with a fuzzed name',
    apply: (recipe, name) => ({ recipe: append(recipe, { id: 'fx', type: 'EFFECT', config: { effect: 'invert' }, inputs: [`ghost-${name}`] }), code: 'dangling-input', message: exact(`unknown node "ghost-${name}"`) })
  },
  {
    name: 'unknown output with a fuzzed name',
    apply: (recipe, name) => ({ recipe: { ...recipe, output: `ghost-${name}` }, code: 'unknown-output', message: exact(`unknown node "ghost-${name}"`) })
  },
  {
    name: 'duplicate node id',
    apply: (recipe) => {
      const first = recipe.nodes[0] as RecipeNode
      return { recipe: append(recipe, { id: first.id, type: 'EFFECT', config: { effect: 'invert' } }), code: 'duplicate-id', message: new RegExp(`^duplicate node id "${escapeRe(first.id)}" \\(first used at dag\\.nodes\\[0\\]\\)$`) }
    }
  },
  {
    name: 'unknown node type',
    apply: (recipe, name) => {
      const type = `X_${name}` as RecipeNode['type']
      return { recipe: append(recipe, { id: 'fx', type, config: {} }), code: 'unknown-type', message: exact(`unknown node type "X_${name}" (known: SOURCE, SEGMENT, RESIZE, TRANSFORM, SEQUENCE, LAYER, MUX, BLEND, AUDIO_MIX, EFFECT)`) }
    }
  },
  {
    name: 'wrong arity',
    apply: (recipe) => ({ recipe: append(recipe, { id: 'fx', type: 'BLEND', config: {} }), code: 'arity', message: exact('BLEND takes exactly 2 inputs, got 1') })
  },
  {
    name: 'huge size',
    apply: (recipe, _name, huge) => {
      const width = 7682 + 2 * Math.floor((huge % 1e9) / 2)
      return { recipe: append(recipe, { id: 'fx', type: 'RESIZE', config: { width, height: 120 } }), code: 'bad-config', message: exact(`must be <= 7680, got ${width}`) }
    }
  }
]

import { ARITY } from './constants.js'
import { normaliseConfig } from './node-configs.js'
import { NODE_TYPES } from './types.js'
import type { Problem } from './errors.js'
import type { DraftNode, DraftRecipe } from './read-recipe.js'
import type { NodeType, Recipe, RecipeNode } from './types.js'

const isNodeType = (t: string): t is NodeType => (NODE_TYPES as readonly string[]).includes(t)

/** Puts a parsed Recipe back in draft form so the same checks run on recipes built in code */
export function draftOf (recipe: Recipe): DraftRecipe {
  const { nodes, output, registry, ...head } = recipe
  return {
    head,
    registry,
    output,
    nodes: nodes.map((n, i) => ({
      ...n,
      path: `dag.nodes[${i}]`,
      inputPaths: n.inputs.map((_, j) => `dag.nodes[${i}].inputs[${j}]`)
    }))
  }
}

function arityText (type: NodeType): string {
  const [min, max] = ARITY[type]
  if (min === max) return min === 0 ? 'takes no inputs' : `takes exactly ${min} input${min === 1 ? '' : 's'}`
  return `takes at least ${min} input${min === 1 ? '' : 's'}`
}

/**
 * Graph and config checks of a draft: unknown type, duplicate id, dangling input, missing / unknown
 * output, arity, config values, unknown asset, duplicate variable input name, cycle. Returns every
 * problem, and the recipe with normalised configs when there are none.
 */
export interface StructureResult {
  recipe?: Recipe
  problems: Problem[]
  /** the nodes whose type and config are fine (normalised), with their document paths, even when others are not */
  checked: Array<{ node: RecipeNode, path: string }>
}

export function checkStructure (draft: DraftRecipe): StructureResult {
  const problems: Problem[] = []
  const first = new Map<string, DraftNode>()
  for (const node of draft.nodes) {
    const seen = first.get(node.id)
    if (seen === undefined) first.set(node.id, node)
    else problems.push({ path: `${node.path}.id`, code: 'duplicate-id', message: `duplicate node id "${node.id}" (first used at ${seen.path})` })
  }
  const nodes: RecipeNode[] = []
  const checked: StructureResult['checked'] = []
  const names = new Map<string, DraftNode>()
  for (const node of draft.nodes) {
    if (!isNodeType(node.type)) {
      problems.push({ path: `${node.path}.type`, code: 'unknown-type', message: `unknown node type "${node.type}" (known: ${NODE_TYPES.join(', ')})` })
    }
    node.inputs.forEach((input, j) => {
      if (!first.has(input)) problems.push({ path: node.inputPaths[j] ?? node.path, code: 'dangling-input', message: `unknown node "${input}"` })
    })
    if (!isNodeType(node.type)) continue
    const [min, max] = ARITY[node.type]
    const arityOk = node.inputs.length >= min && node.inputs.length <= max
    if (!arityOk) {
      problems.push({ path: `${node.path}.inputs`, code: 'arity', message: `${node.type} ${arityText(node.type)}, got ${node.inputs.length}` })
    }
    const result = normaliseConfig(node.type, node.config, arityOk ? node.inputs.length : -1, `${node.path}.config`, node.id)
    if (!result.ok) {
      problems.push(...result.problems)
      continue
    }
    const config = result.config
    if (node.type === 'SOURCE' && typeof config.asset === 'string' && !Object.hasOwn(draft.registry.assets, config.asset)) {
      problems.push({ path: `${node.path}.config.asset`, code: 'unknown-asset', message: `unknown asset "${config.asset}" (not in registry.assets)` })
    }
    if (node.type === 'SOURCE' && config.input === true) {
      const name = config.name as string
      const other = names.get(name)
      if (other !== undefined) {
        problems.push({ path: `${node.path}.config.name`, code: 'duplicate-name', message: `variable input name "${name}" is already used by ${other.path}` })
      } else {
        names.set(name, node)
      }
    }
    const done = { id: node.id, type: node.type, config, inputs: node.inputs }
    nodes.push(done)
    checked.push({ node: done, path: node.path })
  }
  if (draft.output === undefined) {
    problems.push({ path: 'dag.output', code: 'missing-output', message: 'missing: name the node whose result is the recipe\'s output' })
  } else if (!first.has(draft.output)) {
    problems.push({ path: 'dag.output', code: 'unknown-output', message: `unknown node "${draft.output}"` })
  }
  problems.push(...findCycles(draft.nodes, first))
  if (problems.length > 0 || draft.output === undefined) return { problems, checked }
  return { recipe: { ...draft.head, registry: draft.registry, nodes, output: draft.output }, problems, checked }
}

/** Depth-first search; every back edge is one cycle, reported at the input that closes it */
function findCycles (nodes: DraftNode[], byId: Map<string, DraftNode>): Problem[] {
  const problems: Problem[] = []
  const state = new Map<string, 'active' | 'done'>()
  const stack: string[] = []
  const visit = (node: DraftNode): void => {
    state.set(node.id, 'active')
    stack.push(node.id)
    node.inputs.forEach((input, j) => {
      const next = byId.get(input)
      if (next === undefined) return
      const s = state.get(input)
      if (s === 'active') {
        const loop = [...stack.slice(stack.indexOf(input)), input]
        problems.push({ path: node.inputPaths[j] ?? node.path, code: 'cycle', message: `cycle: ${loop.reverse().join(' -> ')}` })
      } else if (s === undefined) {
        visit(next)
      }
    })
    stack.pop()
    state.set(node.id, 'done')
  }
  for (const node of nodes) {
    if (byId.get(node.id) === node && !state.has(node.id)) visit(node)
  }
  return problems
}

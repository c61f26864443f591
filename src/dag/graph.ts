import type { Recipe, RecipeNode } from './types.js'

/** Ids of the nodes the output depends on (including the output) */
export function reachableIds (recipe: Recipe): Set<string> {
  const byId = new Map(recipe.nodes.map(n => [n.id, n]))
  const seen = new Set<string>()
  const pending = [recipe.output]
  while (pending.length > 0) {
    const id = pending.pop() as string
    const node = byId.get(id)
    if (node === undefined || seen.has(id)) continue
    seen.add(id)
    pending.push(...node.inputs)
  }
  return seen
}

/**
 * The nodes reachable from the output in topological order; among nodes that are ready at the same
 * time, recipe order wins, so the order is deterministic. The recipe must be acyclic (validated).
 */
export function orderedSteps (recipe: Recipe): RecipeNode[] {
  const keep = reachableIds(recipe)
  const nodes = recipe.nodes.filter(n => keep.has(n.id))
  const waiting = new Map(nodes.map(n => [n.id, new Set(n.inputs).size]))
  const consumers = new Map<string, RecipeNode[]>()
  for (const node of nodes) {
    for (const input of new Set(node.inputs)) consumers.set(input, [...consumers.get(input) ?? [], node])
  }
  const index = new Map(nodes.map((n, i) => [n.id, i]))
  const ready = nodes.filter(n => waiting.get(n.id) === 0)
  const out: RecipeNode[] = []
  while (ready.length > 0) {
    ready.sort((a, b) => (index.get(a.id) ?? 0) - (index.get(b.id) ?? 0))
    const node = ready.shift() as RecipeNode
    out.push(node)
    for (const consumer of consumers.get(node.id) ?? []) {
      const left = (waiting.get(consumer.id) ?? 0) - 1
      waiting.set(consumer.id, left)
      if (left === 0) ready.push(consumer)
    }
  }
  return out
}

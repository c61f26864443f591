import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Document, stringify } from 'yaml'
import { canonicalJson, parseRecipe, planRun, validateRecipe } from '../../src/dag/index.js'
import { createFixtureCatalog } from '../fixtures/effect-catalog.js'
import { CID_POOL, dependents, randomRecipe, recipeDoc } from './arbitraries.js'
import type { Cid, Plan, PlanStep, Recipe } from '../../src/dag/index.js'

const effects = createFixtureCatalog()
const ENGINE = 'engine-1'

const plan = (recipe: Recipe, inputs: Record<string, string>, engine = ENGINE, catalog = effects): Plan =>
  planRun({ recipe, inputs, effects: catalog, engine })
const ids = (p: Plan): Map<string, string> => new Map(p.steps.map(s => [s.id, s.cacheId]))
const changed = (a: Plan, b: Plan): string[] => [...ids(a)].filter(([id, cid]) => ids(b).get(id) !== cid).map(([id]) => id)

/** The recipe as YAML the way a person could write it: keys shuffled, another style, comments */
function rewrite (recipe: Recipe, seed: number): string {
  const shuffle = (value: unknown, depth: number): unknown => {
    if (Array.isArray(value)) return value.map(v => shuffle(v, depth + 1))
    if (value === null || typeof value !== 'object') return value
    const entries = Object.entries(value).map(([k, v]) => [k, shuffle(v, depth + 1)] as const)
    // node `inputs` keep their order; key order of mappings is free
    entries.sort(([a], [b]) => ((a.charCodeAt(0) * 31 + seed * (depth + 7)) % 11) - ((b.charCodeAt(0) * 31 + seed * (depth + 7)) % 11))
    return Object.fromEntries(entries)
  }
  const doc = {
    name: recipe.name,
    dag: {
      output: recipe.output,
      nodes: recipe.nodes.map(n => ({ inputs: n.inputs.length === 1 && seed % 2 === 0 ? n.inputs[0] : n.inputs, config: n.config, type: n.type, id: n.id }))
    }
  }
  const document = new Document(shuffle(doc, 0))
  document.commentBefore = ` rewritten with seed ${seed}`
  const text = document.toString({ indent: 2 + (seed % 3), collectionStyle: seed % 3 === 0 ? 'flow' : 'any', defaultStringType: seed % 2 === 0 ? 'QUOTE_DOUBLE' : 'PLAIN' })
  return seed % 3 === 0 ? text : text.replace(/^(\s*)- id:/gm, '$1# a node\n$1- id:') + '\n# end\n'
}

/** What a step computes, spelled out down to the source CIDs: equal lineage <=> equal cache id */
function lineage (p: Plan): Map<string, string> {
  const byId = new Map(p.steps.map(s => [s.id, s]))
  const memo = new Map<string, unknown>()
  const describe = (step: PlanStep): unknown => {
    const known = memo.get(step.id)
    if (known !== undefined) return known
    const value = step.type === 'SOURCE'
      ? { cid: step.cid }
      : { type: step.type, config: step.config, effect: step.effect ?? null, engine: p.engine, inputs: step.inputs.map(i => describe(byId.get(i) as PlanStep)) }
    memo.set(step.id, value)
    return value
  }
  return new Map(p.steps.map(s => [s.cacheId, canonicalJson(describe(s))]))
}

describe('cache, recipe and plan ids (properties)', () => {
  it('should keep recipe and plan ids across key order, YAML style and comments', () => {
    fc.assert(fc.property(randomRecipe, fc.nat({ max: 1000 }), ({ recipe, inputs }, seed) => {
      const original = parseRecipe(stringify(recipeDoc(recipe)), { effects })
      const rewritten = parseRecipe(rewrite(recipe, seed), { effects })
      if (!original.ok || !rewritten.ok) throw new Error(JSON.stringify(!original.ok ? original.problems : !rewritten.ok && rewritten.problems))
      expect(rewritten.recipeId).toBe(original.recipeId)
      expect(plan(rewritten.recipe, inputs)).toEqual(plan(original.recipe, inputs))
      // parsing normalises once and for all: validating the parsed recipe again changes nothing
      expect(plan(original.recipe, inputs).recipeId).toBe(original.recipeId)
      expect(validateRecipe(original.recipe, { effects })).toEqual([])
    }), { numRuns: 100 })
  })

  it('should change exactly the edited step and its dependents when a config value changes', () => {
    fc.assert(fc.property(randomRecipe, fc.nat(), ({ recipe, inputs }, pick) => {
      const target = recipe.nodes.filter(n => n.type === 'EFFECT' || n.type === 'RESIZE')[pick % 10]
      if (target === undefined) return
      const edited = structuredClone(recipe)
      const node = edited.nodes.find(n => n.id === target.id) as Recipe['nodes'][number]
      if (node.type === 'RESIZE') node.config.width = (node.config.width as number) + 2
      else if (node.config.effect === 'invert') node.config.params = { intensity: 0.125 }
      else node.config.params = { radius: 11 }
      const before = plan(recipe, inputs)
      const after = plan(edited, inputs)
      const expected = [...dependents(recipe, target.id)].filter(id => ids(before).has(id)).sort()
      expect(changed(before, after).sort()).toEqual(expected)
    }), { numRuns: 150 })
  })

  it('should change exactly the reordered step and its dependents when input order changes', () => {
    fc.assert(fc.property(randomRecipe, ({ recipe, inputs }) => {
      const target = recipe.nodes.find(n => n.inputs.join() !== [...n.inputs].reverse().join())
      if (target === undefined) return
      const edited = structuredClone(recipe)
      const node = edited.nodes.find(n => n.id === target.id) as Recipe['nodes'][number]
      node.inputs = [...node.inputs].reverse()
      const before = plan(recipe, inputs)
      const after = plan(edited, inputs)
      expect(after.id).not.toBe(before.id)
      const expected = [...dependents(recipe, target.id)].filter(id => ids(before).has(id)).sort()
      // reversing inputs that compute the same things (a palindrome of lineages) changes nothing
      const key = (id: string): string | undefined => before.steps.find(s => s.id === id)?.cacheId
      if (target.inputs.map(key).join() === node.inputs.map(key).join()) {
        expect(changed(before, after)).toEqual([])
        return
      }
      expect(changed(before, after).sort()).toEqual(expected)
    }), { numRuns: 150 })
  })

  it('should change the steps of an effect and their dependents when its version changes', () => {
    fc.assert(fc.property(randomRecipe, ({ recipe, inputs }) => {
      const before = plan(recipe, inputs)
      const after = plan(recipe, inputs, ENGINE, effects.withVersion('blur', '2.0.0'))
      const blurs = before.steps.filter(s => s.effect?.name === 'blur').map(s => s.id)
      const expected = new Set(blurs.flatMap(id => [...dependents(recipe, id)]).filter(id => ids(before).has(id)))
      expect(changed(before, after).sort()).toEqual([...expected].sort())
    }), { numRuns: 100 })
  })

  it('should change every computing step but no source when the engine changes', () => {
    fc.assert(fc.property(randomRecipe, ({ recipe, inputs }) => {
      const before = plan(recipe, inputs)
      const after = plan(recipe, inputs, 'engine-2')
      expect(changed(before, after).sort()).toEqual(before.steps.filter(s => s.type !== 'SOURCE').map(s => s.id).sort())
      expect(after.id).not.toBe(before.id)
    }), { numRuns: 100 })
  })

  it('should change exactly an input and its dependents when its CID changes', () => {
    fc.assert(fc.property(randomRecipe, fc.nat(), ({ recipe, inputs }, pick) => {
      const names = Object.keys(inputs).filter(n => ids(plan(recipe, inputs)).has(n))
      const name = names[pick % Math.max(1, names.length)]
      if (name === undefined) return
      const other = CID_POOL.find(c => c !== inputs[name]) as Cid
      const before = plan(recipe, inputs)
      const after = plan(recipe, { ...inputs, [name]: other })
      expect(after.id).not.toBe(before.id)
      const expected = [...dependents(recipe, name)].filter(id => ids(before).has(id)).sort()
      // the only way a dependent keeps its id is if it never saw the difference: not possible here,
      // unless another path gives it the same lineage, which SEQUENCE/BLEND of identical inputs could
      const got = changed(before, after).sort()
      expect(got).toEqual(expected)
    }), { numRuns: 100 })
  })

  it('should never give two distinct steps the same id in 1,000 random recipes', () => {
    const seen = new Map<string, string>()
    const byLineage = new Map<string, string>()
    let steps = 0
    fc.assert(fc.property(randomRecipe, ({ recipe, inputs }) => {
      for (const [cacheId, description] of lineage(plan(recipe, inputs))) {
        steps++
        const known = seen.get(cacheId)
        if (known !== undefined) expect(known).toBe(description)
        seen.set(cacheId, description)
        const id = byLineage.get(description)
        if (id !== undefined) expect(id).toBe(cacheId)
        byLineage.set(description, cacheId)
      }
    }), { numRuns: 1000, seed: 1 })
    expect(steps).toBeGreaterThan(2000)
    expect(seen.size).toBe(byLineage.size)
    expect(seen.size).toBeGreaterThan(500)
  })
})

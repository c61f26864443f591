import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import {
  createPlanner, effectRecipe, hashCanonical, InputBindingError, parseRecipe, planRun, RecipeValidationError, sourceCacheId
} from '../../src/dag/index.js'
import { createFixtureCatalog } from '../fixtures/effect-catalog.js'
import type { Cid, Plan, Recipe } from '../../src/dag/index.js'

const effects = createFixtureCatalog()
const A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
const B = 'bafkreidvbhs33ighmljlvr7zbv2ywwzcmp5adtf4kqvlly67cy56bdtmve' as Cid
const ENGINE = 'engine-1'

function recipe (doc: Record<string, unknown>): Recipe {
  const parsed = parseRecipe(stringify({ name: 'r', ...doc }), { effects })
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
  return parsed.recipe
}

const twoInputs = (extra: Array<Record<string, unknown>> = [], output = 'joined'): Recipe => recipe({
  dag: {
    nodes: [
      { id: 'a', type: 'SOURCE', config: { input: true, name: 'first' } },
      { id: 'b', type: 'SOURCE', config: { input: true, name: 'second' } },
      { id: 'joined', type: 'SEQUENCE', config: { transition: { type: 'fade' } }, inputs: ['a', 'b'] },
      ...extra
    ],
    output
  }
})

const ids = (plan: Plan): Record<string, string> => Object.fromEntries(plan.steps.map(s => [s.id, s.cacheId]))

describe('planRun', () => {
  it('should bind variable inputs by node id, by name, or by position, to the same plan', () => {
    const r = twoInputs()
    const byId = planRun({ recipe: r, inputs: { a: A, b: B }, effects, engine: ENGINE })
    const byName = planRun({ recipe: r, inputs: { first: A, second: B }, effects, engine: ENGINE })
    const byPosition = planRun({ recipe: r, inputs: [A, B], effects, engine: ENGINE })
    expect(byName).toEqual(byId)
    expect(byPosition).toEqual(byId)
    expect(byId.inputs).toEqual([{ nodeId: 'a', name: 'first', cid: A }, { nodeId: 'b', name: 'second', cid: B }])
    expect(byId.id).toBe(hashCanonical({ recipe: byId.recipeId, inputs: [A, B], engine: ENGINE }))
  })

  it('should compute cache ids by the documented formula', () => {
    const plan = planRun({ recipe: twoInputs(), inputs: [A, B], effects, engine: ENGINE })
    const [a, b, joined] = plan.steps
    expect(a).toEqual({ id: 'a', type: 'SOURCE', config: { input: true, name: 'first' }, inputs: [], cacheId: sourceCacheId(A), level: 0, cid: A })
    expect(b?.cacheId).toBe(hashCanonical({ type: 'SOURCE', cid: B }))
    expect(joined?.cacheId).toBe(hashCanonical({
      type: 'SEQUENCE',
      config: { transition: { type: 'fade', duration: 0.5 }, target_size: 'first', background: 'black' },
      inputs: [A, B],
      effect: null,
      engine: ENGINE
    }))
  })

  it('should keep input order in the cache id', () => {
    const ab = planRun({ recipe: twoInputs(), inputs: [A, B], effects, engine: ENGINE })
    const ba = planRun({ recipe: twoInputs(), inputs: [B, A], effects, engine: ENGINE })
    expect(ids(ab).joined).not.toBe(ids(ba).joined)
    expect(ab.id).not.toBe(ba.id)
  })

  it('should give the same cache id to the same bytes under another input or asset name', () => {
    const fixed = recipe({
      registry: { assets: { cat: { cid: A } } },
      dag: {
        nodes: [
          { id: 'kitty', type: 'SOURCE', config: { asset: 'cat' } },
          { id: 'fx', type: 'EFFECT', config: { effect: 'invert' }, inputs: 'kitty' }
        ],
        output: 'fx'
      }
    })
    const fromAsset = planRun({ recipe: fixed, inputs: {}, effects, engine: ENGINE })
    const fromInput = planRun({ recipe: effectRecipe('invert'), inputs: [A], effects, engine: ENGINE })
    expect(ids(fromAsset).fx).toBe(ids(fromInput).effect)
    expect(fromAsset.inputs).toEqual([])
    expect(fromAsset.steps[0]?.cid).toBe(A)
  })

  it('should give spelled-out defaults the same cache id', () => {
    const plain = planRun({ recipe: effectRecipe('invert'), inputs: [A], effects, engine: ENGINE })
    const spelled = planRun({ recipe: effectRecipe('invert', { intensity: 1 }), inputs: [A], effects, engine: ENGINE })
    expect(ids(spelled)).toEqual(ids(plain))
    expect(plain.steps[1]?.config).toEqual({ effect: 'invert', params: { intensity: 1 } })
    expect(plain.steps[1]?.effect).toEqual({ name: 'invert', version: '1.0.0', hash: effects.get('invert')?.hash })
    const resize = (config: Record<string, unknown>): string => ids(planRun({
      recipe: recipe({ dag: { nodes: [{ id: 's', type: 'SOURCE', config: { input: true } }, { id: 'r', type: 'RESIZE', config, inputs: ['s'] }], output: 'r' } }),
      inputs: [A],
      effects,
      engine: ENGINE
    })).r as string
    expect(resize({ width: 320, height: 240 })).toBe(resize({ width: 320, height: 240, mode: 'fit', background: 'black' }))
    expect(resize({ width: 320, height: 240 })).not.toBe(resize({ width: 320, height: 240, mode: 'pad' }))
    const one = (type: string, config: Record<string, unknown>): Record<string, unknown> => planRun({
      recipe: recipe({ dag: { nodes: [{ id: 's', type: 'SOURCE', config: { input: true } }, { id: 'x', type, config, inputs: ['s'] }], output: 'x' } }),
      inputs: [A],
      effects,
      engine: ENGINE
    }).steps[1]?.config ?? {}
    // shorthands and no-op fields normalise away
    expect(one('SEQUENCE', { transition: 'crossfade' })).toEqual(one('SEQUENCE', { transition: { type: 'crossfade', duration: 0.5 } }))
    expect(one('SEQUENCE', { transition: { type: 'cut', duration: 3 } })).toEqual({ transition: { type: 'cut' }, target_size: 'first', background: 'black' })
    expect(one('SEGMENT', { offset: 1, precise: false })).toEqual({ offset: 1 })
    expect(one('TRANSFORM', { effects: { saturation: 1, hue: 0, blur: 2 } })).toEqual({ effects: { blur: 2 } })
    expect(one('LAYER', {})).toEqual({ inputs: [{ position: [0, 0], opacity: 1, scale: 1 }] })
  })

  it('should give the same plan id to the same short form, and another to other params, input or engine', () => {
    const plan = (params: Record<string, unknown>, input: Cid, engine = ENGINE): string =>
      planRun({ recipe: effectRecipe('dog', params), inputs: [input], effects, engine }).id
    expect(plan({ scale: 0.5 }, A)).toBe(plan({ scale: 0.5 }, A))
    expect(new Set([plan({ scale: 0.5 }, A), plan({ scale: 0.6 }, A), plan({ scale: 0.5 }, B), plan({ scale: 0.5 }, A, 'engine-2')]).size).toBe(4)
  })

  it('should drop steps the output does not need, and not ask for their inputs', () => {
    const r = recipe({
      dag: {
        nodes: [
          { id: 'a', type: 'SOURCE', config: { input: true } },
          { id: 'unused', type: 'SOURCE', config: { input: true } },
          { id: 'side', type: 'EFFECT', config: { effect: 'invert' }, inputs: ['unused'] },
          { id: 'out', type: 'EFFECT', config: { effect: 'blur', radius: 3 }, inputs: ['a'] }
        ],
        output: 'out'
      }
    })
    const plan = planRun({ recipe: r, inputs: { a: A }, effects, engine: ENGINE })
    expect(plan.steps.map(s => s.id)).toEqual(['a', 'out'])
    expect(planRun({ recipe: r, inputs: { a: A, unused: B }, effects, engine: ENGINE })).toEqual(plan)
    expect(planRun({ recipe: r, inputs: [A], effects, engine: ENGINE })).toEqual(plan)
  })

  it('should order steps topologically with levels', () => {
    const r = twoInputs([
      { id: 'fx', type: 'EFFECT', config: { effect: 'invert' }, inputs: ['joined'] },
      { id: 'top', type: 'BLEND', config: { mode: 'screen' }, inputs: ['fx', 'a'] }
    ], 'top')
    const plan = planRun({ recipe: r, inputs: [A, B], effects, engine: ENGINE })
    expect(plan.steps.map(s => [s.id, s.level, s.inputs])).toEqual([
      ['a', 0, []], ['b', 0, []], ['joined', 1, ['a', 'b']], ['fx', 2, ['joined']], ['top', 3, ['fx', 'a']]
    ])
  })

  it('should throw RecipeValidationError with every problem', () => {
    const bad = effectRecipe('invert', { intensity: 5 })
    const run = (): Plan => planRun({ recipe: bad, inputs: [A], effects, engine: ENGINE })
    expect(run).toThrow(RecipeValidationError)
    expect(run).toThrow('invalid recipe (1 problem): dag.nodes[1].config.params.intensity: parameter "intensity" must be within 0..1, got 5')
  })

  it('should report unbound, unknown, malformed and doubly bound inputs', () => {
    const problemsOf = (inputs: Record<string, string> | string[]): unknown => {
      try {
        planRun({ recipe: twoInputs(), inputs, effects, engine: ENGINE })
      } catch (err) {
        expect(err).toBeInstanceOf(InputBindingError)
        return (err as InputBindingError).problems
      }
      return []
    }
    expect(problemsOf({ first: A })).toEqual([
      { path: 'inputs.second', code: 'unbound-input', message: 'variable input "second" (node "b") is not bound' }
    ])
    expect(problemsOf({ first: A, second: B, third: A })).toEqual([
      { path: 'inputs.third', code: 'unknown-input', message: 'no variable input "third" (known: first (node a), second (node b))' }
    ])
    expect(problemsOf({ first: 'bad', b: B, second: A })).toEqual([
      { path: 'inputs.first', code: 'bad-cid', message: '"bad" is not a valid CID' },
      { path: 'inputs.second', code: 'duplicate-input', message: 'variable input "second" (node "b") is bound twice' }
    ])
    expect(problemsOf([A, B, A])).toEqual([
      { path: 'inputs[2]', code: 'unknown-input', message: 'the recipe takes 2 variable inputs, got 3' }
    ])
    expect(problemsOf([A])).toEqual([
      { path: 'inputs.second', code: 'unbound-input', message: 'variable input "second" (node "b") is not bound' }
    ])
    expect(() => planRun({ recipe: twoInputs(), inputs: [A], effects, engine: ENGINE }))
      .toThrow('invalid run inputs (1 problem): inputs.second: variable input "second" (node "b") is not bound')
  })

  it('should change an effect step and its dependents when the effect version changes', () => {
    const r = twoInputs([
      { id: 'fx', type: 'EFFECT', config: { effect: 'invert' }, inputs: ['a'] },
      { id: 'top', type: 'BLEND', config: {}, inputs: ['fx', 'joined'] }
    ], 'top')
    const before = ids(planRun({ recipe: r, inputs: [A, B], effects, engine: ENGINE }))
    const after = ids(planRun({ recipe: r, inputs: [A, B], effects: effects.withVersion('invert', '1.0.1'), engine: ENGINE }))
    const changed = Object.keys(before).filter(k => before[k] !== after[k])
    expect(changed).toEqual(['fx', 'top'])
  })

  it('should be available bound to a catalog and engine through createPlanner', () => {
    const planner = createPlanner({ effects }, { engine: ENGINE })
    const direct = planRun({ recipe: effectRecipe('invert', { intensity: 0.5 }), inputs: [A], effects, engine: ENGINE })
    expect(planner.planEffect('invert', A, { intensity: 0.5 })).toEqual(direct)
    expect(planner.validate(effectRecipe('nope'))).toEqual([
      { path: 'dag.nodes[1].config.effect', code: 'unknown-effect', message: 'unknown effect "nope" (known: blur, dog, echo, identity, invert, mirror, tint)' }
    ])
    expect(createPlanner({ effects }).engine).toMatch(/^artdag-l1\//)
  })
})

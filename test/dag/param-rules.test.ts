import { describe, expect, it } from 'vitest'
import { effectRecipe, validateRecipe } from '../../src/dag/index.js'
import { createEffectRegistry } from '../../src/effects/index.js'

const effects = createEffectRegistry()
const check = (effect: string, params: Record<string, unknown>): unknown => validateRecipe(effectRecipe(effect, params), { effects })

describe('parameter rules of the built-in effects, checked before any run', () => {
  it('should refuse a word that is no colour, naming the field', () => {
    expect(check('rotate', { fill: 'notacolor' })).toEqual([{
      path: 'dag.nodes[1].config.params.fill',
      code: 'param-type',
      message: 'parameter "fill" must be a colour: a name like black or orange, #rrggbb or 0xrrggbb (#rrggbbaa with alpha), got "notacolor"'
    }])
    expect(check('rotate', { fill: 'random' })).toHaveLength(1)
    expect(check('rotate', { fill: 'Orange' })).toEqual([])
    expect(check('rotate', { fill: '#ff880080' })).toEqual([])
  })

  it('should refuse edge_detect with low above high, naming both, and accept them equal', () => {
    expect(check('edge_detect', { low: 0.5, high: 0.2 })).toEqual([{
      path: 'dag.nodes[1].config.params',
      code: 'param-conflict',
      message: 'parameter "low" (0.5) must not be above parameter "high" (0.2)'
    }])
    // the default high (0.4) counts when only low is given
    expect(check('edge_detect', { low: 0.6 })).toHaveLength(1)
    expect(check('edge_detect', { low: 0.3, high: 0.3 })).toEqual([])
    // a value out of range is reported alone: the rule between the two is checked once each is valid
    expect(check('edge_detect', { low: 2, high: 0.2 })).toEqual([{
      path: 'dag.nodes[1].config.params.low', code: 'param-range', message: 'parameter "low" must be within 0..1, got 2'
    }])
  })

  it('should accept every effect with its defaults (each rule holds for them)', () => {
    for (const def of effects.list()) expect(check(def.name, {}), def.name).toEqual([])
  })
})

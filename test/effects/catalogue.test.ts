import { describe, expect, it } from 'vitest'
import { BUILTIN_EFFECTS } from '../../src/effects/builtins/index.js'
import { createEffectRegistry, describeEffect, EFFECT_GROUPS, effectCatalogue } from '../../src/effects/index.js'

const registry = createEffectRegistry()

describe('effect catalogue', () => {
  it('should list every registered effect once, grouped, in spec order', () => {
    const names = effectCatalogue().map((e) => e.name)
    expect(names).toEqual(BUILTIN_EFFECTS.map((s) => s.name))
    expect(new Set(names).size).toBe(names.length)
    expect(names.slice().sort()).toEqual(registry.list().map((d) => d.name).sort())
    const groups = effectCatalogue().map((e) => e.group)
    expect(groups.every((g) => EFFECT_GROUPS.includes(g))).toBe(true)
  })

  it('should match the spec of every effect: version, group, temporal, and each param type, range, options, default, unit', () => {
    for (const spec of BUILTIN_EFFECTS) {
      const entry = describeEffect(spec.name)
      expect(entry, spec.name).toBeDefined()
      expect({ name: entry?.name, version: entry?.version, description: entry?.description, group: entry?.group, temporal: entry?.temporal, inputs: entry?.inputs })
        .toEqual({ name: spec.name, version: spec.version, description: spec.description, group: spec.group, temporal: spec.temporal, inputs: 1 })
      expect(entry?.params.map((p) => p.name)).toEqual(Object.keys(spec.params))
      for (const param of entry?.params ?? []) {
        const source = spec.params[param.name]
        expect({ type: param.type, min: param.min, max: param.max, default: param.default, unit: param.unit, options: param.options, description: param.description }, `${spec.name}.${param.name}`)
          .toEqual({ type: source?.type, min: source?.min, max: source?.max, default: source?.default, unit: source?.unit, options: source?.values === undefined ? undefined : [...source.values], description: source?.description })
      }
    }
  })

  it('should give every param a one-line description and every range a usable slider step', () => {
    const problems: string[] = []
    for (const entry of effectCatalogue()) {
      for (const p of entry.params) {
        const where = `${entry.name}.${p.name}`
        if (p.description.trim().length < 8 || p.description.includes('\n')) problems.push(`${where}: description "${p.description}"`)
        if (p.type === 'number' || p.type === 'integer') {
          if (p.min === undefined || p.max === undefined || p.step === undefined) problems.push(`${where}: range or step missing`)
          else if (p.step <= 0 || p.step > (p.max - p.min)) problems.push(`${where}: step ${p.step} does not fit ${p.min}..${p.max}`)
          if (p.type === 'integer' && p.step !== 1) problems.push(`${where}: integer step ${String(p.step)}`)
        }
        if (p.type === 'enum' && (p.options === undefined || !p.options.includes(String(p.default)))) problems.push(`${where}: default not among options`)
      }
    }
    expect(problems).toEqual([])
  })

  it('should have defaults that the registry accepts as they are', () => {
    for (const entry of effectCatalogue()) {
      const defaults = Object.fromEntries(entry.params.map((p) => [p.name, p.default]))
      expect(registry.resolveParams(entry.name, defaults), entry.name).toEqual(defaults)
    }
  })

  it('should answer undefined for a name that is not an effect, and copies nobody can change the catalogue through', () => {
    expect(describeEffect('nope')).toBeUndefined()
    expect(describeEffect('__proto__')).toBeUndefined()
    const first = describeEffect('blur')
    first?.params.splice(0)
    expect(describeEffect('blur')?.params.length).toBe(1)
  })
})

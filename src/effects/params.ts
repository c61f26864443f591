import type { ResolvedParams } from './spec.js'
import type { ParamSpec } from './types.js'
import { COLOR_WORDS, isColor } from '../media/index.js'
import { InvalidEffectParamError } from './errors.js'

/** free strings go into a filtergraph: letters, digits, space, dot, dash, underscore only */
const SAFE_STRING = /^[\w .-]{0,200}$/

/**
 * Validates raw params against an effect's declared params and applies defaults.
 * Throws InvalidEffectParamError naming the effect, the param and the problem.
 */
export function resolveParams (effect: string, specs: Readonly<Record<string, ParamSpec>>, raw: unknown): ResolvedParams {
  if (raw != null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new InvalidEffectParamError(`effect "${effect}": params must be an object, got ${describe(raw)}`)
  }
  const given = (raw ?? {}) as Record<string, unknown>
  for (const key of Object.keys(given)) {
    if (!Object.hasOwn(specs, key)) {
      const known = Object.keys(specs)
      throw new InvalidEffectParamError(`effect "${effect}": unknown param "${key}" (${known.length > 0 ? `known: ${known.join(', ')}` : 'it takes no params'})`)
    }
  }
  const out: Record<string, number | boolean | string> = {}
  for (const [key, spec] of Object.entries(specs)) {
    const value = given[key] ?? spec.default
    out[key] = checkParam(effect, key, spec, value)
  }
  return out
}

function checkParam (effect: string, key: string, spec: ParamSpec, value: unknown): number | boolean | string {
  const fail = (problem: string): never => {
    throw new InvalidEffectParamError(`effect "${effect}": param "${key}" ${problem}, got ${describe(value)}`)
  }
  switch (spec.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a ${spec.type}`)
      if (spec.type === 'integer' && !Number.isInteger(value)) return fail('must be an integer')
      if ((spec.min != null && value < spec.min) || (spec.max != null && value > spec.max)) {
        return fail(`must be between ${spec.min ?? '-inf'} and ${spec.max ?? 'inf'}`)
      }
      return value
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : fail('must be true or false')
    case 'enum':
      return typeof value === 'string' && (spec.values ?? []).includes(value)
        ? value
        : fail(`must be one of ${(spec.values ?? []).join(', ')}`)
    case 'color':
      return isColor(value) ? value : fail(`must be ${COLOR_WORDS}`)
    case 'string':
      return typeof value === 'string' && SAFE_STRING.test(value) ? value : fail('must be a plain string (letters, digits, space, . - _)')
  }
}

function describe (value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

import type { EffectDefinition } from '../../effects/types.js'
import { FormError } from '../errors.js'
import { paramField } from './controls.js'

/**
 * The parameters posted by paramControls' form, typed by the effect's spec. Only the shape is checked
 * here (a number is a number); ranges and colours are the planner's, which names the field as the API does.
 */
export function paramsFromForm (effect: EffectDefinition, fields: Map<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  const problems: string[] = []
  for (const [name, spec] of Object.entries(effect.params)) {
    const raw = fields.get(paramField(name))
    if (spec.type === 'boolean') {
      // an unchecked box sends nothing
      params[name] = raw === 'true'
      continue
    }
    if (raw == null || raw.trim() === '') {
      problems.push(`param "${name}": give a value (default ${String(spec.default)})`)
      continue
    }
    if (spec.type === 'number' || spec.type === 'integer') {
      const value = Number(raw.trim())
      if (!Number.isFinite(value)) problems.push(`param "${name}": "${raw}" is not a number`)
      else params[name] = value
      continue
    }
    params[name] = raw.trim()
  }
  const unknown = [...fields.keys()].filter((k) => k.startsWith('param.') && !Object.hasOwn(effect.params, k.slice(6)))
  for (const key of unknown) problems.push(`param "${key.slice(6)}": ${effect.name} has no such parameter (known: ${Object.keys(effect.params).join(', ') || 'none'})`)
  if (problems.length > 0) throw new FormError('Some parameters are not right:', problems)
  return params
}

import type { EffectEntry } from '../../effects/index.js'
import { FormError } from '../errors.js'
import { paramField } from './controls.js'

/**
 * The parameters posted by paramControls' form, typed by the effect's spec. Only the shape is checked
 * here (a number is a number); ranges and colours are the planner's, which names the field as the API does.
 */
export function paramsFromForm (effect: EffectEntry, fields: Map<string, string>): Record<string, unknown> {
  const params: Record<string, unknown> = {}
  const problems: string[] = []
  const known = new Set(effect.params.map((p) => p.name))
  for (const spec of effect.params) {
    const name = spec.name
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
  const unknown = [...fields.keys()].filter((k) => k.startsWith('param.') && !known.has(k.slice(6)))
  for (const key of unknown) problems.push(`param "${key.slice(6)}": ${effect.name} has no such parameter (known: ${[...known].join(', ') || 'none'})`)
  if (problems.length > 0) throw new FormError('Some parameters are not right:', problems)
  return params
}

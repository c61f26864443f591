import { COLOR_WORDS, isColor } from '../media/index.js'
import { SAFE_STRING } from './constants.js'
import { isHexId } from './ids.js'
import { joinPath, show } from './problems.js'
import type { Problem } from './errors.js'
import type { Recipe, RecipeNode } from './types.js'
import type { EffectCatalog, EffectDefinition, ParamSpec } from '../effects/index.js'


const TYPE_WORDS: Record<ParamSpec['type'], string> = {
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  string: 'a plain string (letters, digits, space, . - _)',
  enum: 'one of the listed values',
  color: COLOR_WORDS
}

function typeOk (spec: ParamSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'number': return typeof value === 'number' && Number.isFinite(value)
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'string': return typeof value === 'string' && SAFE_STRING.test(value)
    case 'enum': return typeof value === 'string' && (spec.values ?? []).includes(value)
    case 'color': return isColor(value)
  }
}

/** Problems of one parameter value against its spec ('param-type' or 'param-range'), or undefined */
export function paramProblem (name: string, spec: ParamSpec, value: unknown, path: string): Problem | undefined {
  if (!typeOk(spec, value)) {
    const what = spec.type === 'enum' ? `one of ${(spec.values ?? []).join(', ')}` : TYPE_WORDS[spec.type]
    return { path, code: 'param-type', message: `parameter "${name}" must be ${what}, got ${show(value)}` }
  }
  if (typeof value === 'number' && ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max))) {
    return { path, code: 'param-range', message: `parameter "${name}" must be within ${spec.min ?? '-inf'}..${spec.max ?? 'inf'}, got ${value}` }
  }
  return undefined
}

/** Params with the effect's defaults filled in, keys in the definition's order */
export function paramsWithDefaults (def: EffectDefinition, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(def.params)) out[name] = params[name] ?? spec.default
  return out
}

/**
 * Checks EFFECT nodes and registry.effects against the catalog: unknown effect, unknown parameter,
 * wrong parameter type, parameter out of range, and a registry hash that names another definition.
 * A registry entry only declares that the recipe uses an effect: a `hash` that is a full SHA3-256 hex
 * must equal the built-in definition's hash ('effect-hash-mismatch'); anything else (a placeholder like
 * "abc123...") is ignored, since the catalog is the source of truth for how an effect runs.
 */
export function checkEffects (
  registry: Recipe['registry'], nodes: ReadonlyArray<{ node: RecipeNode, path: string }>, effects: EffectCatalog
): Problem[] {
  const problems: Problem[] = []
  for (const [name, entry] of Object.entries(registry.effects)) {
    const path = joinPath('registry.effects', [name])
    const def = effects.get(name)
    if (def === undefined) {
      problems.push({ path, code: 'unknown-effect', message: unknownEffect(name, effects) })
    } else if (entry.hash !== undefined && isHexId(entry.hash.toLowerCase()) && entry.hash.toLowerCase() !== def.hash) {
      problems.push({
        path: `${path}.hash`,
        code: 'effect-hash-mismatch',
        message: `hash ${entry.hash} does not match effect "${name}" ${def.version} (${def.hash})`
      })
    }
  }
  for (const { node, path: nodePath } of nodes) {
    if (node.type !== 'EFFECT') continue
    const base = `${nodePath}.config`
    const name = node.config.effect as string
    const def = effects.get(name)
    if (def === undefined) {
      problems.push({ path: `${base}.effect`, code: 'unknown-effect', message: unknownEffect(name, effects) })
      continue
    }
    const params = (node.config.params ?? {}) as Record<string, unknown>
    const before = problems.length
    for (const [key, value] of Object.entries(params)) {
      const path = joinPath(`${base}.params`, [key])
      const spec = Object.hasOwn(def.params, key) ? def.params[key] : undefined
      if (spec === undefined) {
        const known = Object.keys(def.params)
        problems.push({
          path,
          code: 'unknown-param',
          message: `effect "${name}" has no parameter "${key}" (${known.length === 0 ? 'it takes none' : `known: ${known.join(', ')}`})`
        })
        continue
      }
      const problem = paramProblem(key, spec, value, path)
      if (problem !== undefined) problems.push(problem)
    }
    // rules between params, once each one is valid on its own
    const conflict = problems.length === before ? def.check?.(paramsWithDefaults(def, params)) : undefined
    if (conflict !== undefined) problems.push({ path: `${base}.params`, code: 'param-conflict', message: conflict })
  }
  return problems
}

function unknownEffect (name: string, effects: EffectCatalog): string {
  return `unknown effect "${name}" (known: ${effects.list().map(d => d.name).sort().join(', ')})`
}

/**
 * Params given as text (CLI `--param k=v`, query strings) converted by the effect's declared types:
 * numbers and booleans are parsed, anything that does not parse stays text so validation names it.
 * Names the effect does not declare stay text too (validation reports them as 'unknown-param').
 */
export function coerceParams (def: EffectDefinition | undefined, raw: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, text] of Object.entries(raw)) {
    const spec = def !== undefined && Object.hasOwn(def.params, key) ? def.params[key] : undefined
    if ((spec?.type === 'number' || spec?.type === 'integer') && text.trim() !== '' && Number.isFinite(Number(text))) {
      out[key] = Number(text)
    } else if (spec?.type === 'boolean' && (text === 'true' || text === 'false')) {
      out[key] = text === 'true'
    } else {
      out[key] = text
    }
  }
  return out
}

import { BUILTIN_EFFECTS } from './builtins/index.js'
import type { EffectSpec } from './spec.js'
import type { EffectGroup, ParamSpec } from './types.js'

/** One parameter as the catalogue shows it (API, CLI, form controls) */
export interface ParamEntry {
  name: string
  type: ParamSpec['type']
  min?: number
  max?: number
  step?: number
  default?: number | boolean | string
  unit?: string
  /** the allowed values of an enum */
  options?: string[]
  description: string
}

/** One effect as the catalogue shows it */
export interface EffectEntry {
  name: string
  version: string
  description: string
  group: EffectGroup
  /** looks at more than one frame: on a still it renders a clip */
  temporal: boolean
  /** how many pictures it takes (every built-in effect takes one) */
  inputs: number
  params: ParamEntry[]
}

/** The catalogue entry of one spec: the spec is the only source, nothing here is written twice */
export function entryOf (spec: EffectSpec): EffectEntry {
  return {
    name: spec.name,
    version: spec.version,
    description: spec.description,
    group: spec.group,
    temporal: spec.temporal,
    inputs: 1,
    params: Object.entries(spec.params).map(([name, param]) => paramEntryOf(name, param))
  }
}

function paramEntryOf (name: string, param: ParamSpec): ParamEntry {
  const step = param.step ?? (param.type === 'integer' ? 1 : undefined)
  return {
    name,
    type: param.type,
    ...(param.min === undefined ? {} : { min: param.min }),
    ...(param.max === undefined ? {} : { max: param.max }),
    ...(step === undefined ? {} : { step }),
    default: param.default,
    ...(param.unit === undefined ? {} : { unit: param.unit }),
    ...(param.values === undefined ? {} : { options: [...param.values] }),
    description: param.description
  }
}

const ENTRIES: readonly EffectEntry[] = BUILTIN_EFFECTS.map(entryOf)

/** Every built-in effect with its parameters, in catalogue order (grouped) */
export function effectCatalogue (): EffectEntry[] {
  return ENTRIES.map(cloneEntry)
}

/** One effect's entry, or undefined for a name that is not an effect */
export function describeEffect (name: string): EffectEntry | undefined {
  const entry = ENTRIES.find((e) => e.name === name)
  return entry === undefined ? undefined : cloneEntry(entry)
}

/** Callers get their own copy: nobody can change the catalogue by editing an answer */
function cloneEntry (entry: EffectEntry): EffectEntry {
  return structuredClone(entry)
}

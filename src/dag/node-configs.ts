import { z } from 'zod'
import {
  BLEND_FITS, BLEND_MODES, DEFAULTS, MAX_SIDE, RESIZE_MODES, TARGET_SIZES, TRANSFORM_RANGES, TRANSITIONS
} from './constants.js'
import { COLOR_WORDS, isColor } from '../media/index.js'
import { zodProblems } from './problems.js'
import { sourceConfig } from './source-config.js'
import type { Problem } from './errors.js'
import type { NodeType } from './types.js'

export type ConfigResult = { ok: true, config: Record<string, unknown> } | { ok: false, problems: Problem[] }

const color = z.string().refine(isColor, { message: `must be ${COLOR_WORDS}` })
const side = z.number().int().min(2).max(MAX_SIDE).refine(v => v % 2 === 0, {
  message: 'must be an even number of pixels (video encoders need even sizes)'
})

const transformEffects = z.strictObject(Object.fromEntries(
  Object.entries(TRANSFORM_RANGES).map(([key, [min, max]]) => [key, z.number().min(min).max(max).optional()])
))

const layerSpec = z.strictObject({
  position: z.tuple([z.number().int().min(-MAX_SIDE).max(MAX_SIDE), z.number().int().min(-MAX_SIDE).max(MAX_SIDE)]).default([0, 0]),
  opacity: z.number().min(0).max(1).default(1),
  scale: z.number().gt(0).max(DEFAULTS.layerScaleMax).default(1),
  // sized to the base first (then scaled and placed); no default, so older LAYER steps keep their cache ids
  fit: z.enum(BLEND_FITS).optional()
})

const SCHEMAS = {
  SEGMENT: z.strictObject({
    offset: z.number().min(0).default(0),
    duration: z.number().gt(0).optional(),
    // upstream's fast keyframe cut; the executor always cuts precisely, so it is accepted and dropped
    precise: z.boolean().optional()
  }),
  RESIZE: z.strictObject({
    width: side,
    height: side,
    mode: z.enum(RESIZE_MODES).default(DEFAULTS.resizeMode),
    background: color.default(DEFAULTS.background)
  }),
  TRANSFORM: z.strictObject({ effects: transformEffects.default({}) }),
  SEQUENCE: z.strictObject({
    // `transition: crossfade` is short for `transition: {type: crossfade}`
    transition: z.preprocess(v => typeof v === 'string' ? { type: v } : v, z.strictObject({
      type: z.enum(TRANSITIONS).default(DEFAULTS.transition),
      duration: z.number().gt(0).max(DEFAULTS.maxTransitionDuration).default(DEFAULTS.transitionDuration)
    })).default({ type: DEFAULTS.transition, duration: DEFAULTS.transitionDuration }),
    target_size: z.enum(TARGET_SIZES).default(DEFAULTS.targetSize),
    width: side.optional(),
    height: side.optional(),
    background: color.default(DEFAULTS.background),
    /** seconds a still image is shown; the executor's default applies when absent */
    image_duration: z.number().gt(0).max(DEFAULTS.maxImageDuration).optional()
  }),
  LAYER: z.strictObject({ inputs: z.array(layerSpec).default([]) }),
  MUX: z.strictObject({
    video_stream: z.number().int().min(0).default(0),
    audio_stream: z.number().int().min(0).default(1),
    shortest: z.boolean().default(true)
  }),
  BLEND: z.strictObject({
    mode: z.enum(BLEND_MODES).default(DEFAULTS.blendMode),
    opacity: z.number().min(0).max(1).default(DEFAULTS.blendOpacity),
    // no default written into the config: BLENDs planned before the option keep their cache ids
    fit: z.enum(BLEND_FITS).optional()
  }),
  AUDIO_MIX: z.strictObject({
    gains: z.array(z.number().min(0).max(DEFAULTS.gainMax)).optional(),
    normalize: z.boolean().default(true)
  }),
  EFFECT: z.looseObject({
    effect: z.string().min(1),
    params: z.record(z.string(), z.unknown()).optional()
  })
}

/** Field names per nested path, for the hint of an "unknown field" problem */
function knownFields (type: Exclude<NodeType, 'SOURCE'>): Record<string, readonly string[]> {
  const known: Record<string, readonly string[]> = { '': Object.keys(SCHEMAS[type].shape) }
  if (type === 'TRANSFORM') known.effects = Object.keys(TRANSFORM_RANGES)
  if (type === 'SEQUENCE') known.transition = ['type', 'duration']
  if (type === 'LAYER') known.inputs = Object.keys(layerSpec.shape)
  return known
}

/** Cross-field rules zod cannot see (they need the number of inputs); returns the final config */
type Finisher = (config: Record<string, unknown>, inputCount: number, bad: (field: string, message: string) => void) => Record<string, unknown>

const FINISH: Partial<Record<NodeType, Finisher>> = {
  SEGMENT: (config) => {
    const out = { ...config }
    delete out.precise
    return out
  },
  TRANSFORM: (config) => {
    // neutral values change nothing, so {saturation: 1} and {} are the same computation (same cache id)
    const effects = config.effects as Record<string, number | undefined>
    const kept: Record<string, number> = {}
    for (const [key, [, , neutral]] of Object.entries(TRANSFORM_RANGES)) {
      const value = effects[key]
      if (value !== undefined && value !== neutral) kept[key] = value
    }
    return { effects: kept }
  },
  SEQUENCE: (config, _n, bad) => {
    const explicit = config.target_size === 'explicit'
    for (const field of ['width', 'height']) {
      if (explicit && config[field] === undefined) bad(field, 'required when target_size is explicit')
      if (!explicit && config[field] !== undefined) bad(field, 'only used when target_size is explicit')
    }
    const transition = config.transition as { type: string, duration: number }
    // a cut has no duration: keep it out so it cannot split the cache
    return { ...config, transition: transition.type === 'cut' ? { type: 'cut' } : transition }
  },
  LAYER: (config, n, bad) => {
    if (n < 0) return config
    const specs = config.inputs as unknown[]
    if (specs.length > n) bad('inputs', `has ${specs.length} entries but the node has ${n} inputs`)
    const full = [...specs]
    while (full.length < n) full.push({ position: [0, 0], opacity: 1, scale: 1 })
    return { inputs: full }
  },
  MUX: (config, n, bad) => {
    if (n < 0) return config
    for (const field of ['video_stream', 'audio_stream']) {
      const index = config[field] as number
      if (index >= n) bad(field, `input index ${index} is out of range (the node has ${n} inputs)`)
    }
    return config
  },
  AUDIO_MIX: (config, n, bad) => {
    if (n < 0) return config
    const gains = config.gains as number[] | undefined
    if (gains !== undefined && gains.length !== n) bad('gains', `has ${gains.length} entries but the node has ${n} inputs`)
    return { gains: gains ?? new Array<number>(n).fill(1), normalize: config.normalize }
  },
  EFFECT: (config, _n, bad) => {
    const { effect, params, ...flat } = config
    const nested = (params ?? {}) as Record<string, unknown>
    for (const key of Object.keys(flat)) {
      if (Object.hasOwn(nested, key)) bad(key, `parameter "${key}" is given both flat and under params`)
    }
    return { effect, params: { ...flat, ...nested } }
  }
}

/**
 * Checks a node's config against its type and returns it normalised (defaults applied, EFFECT params moved
 * under `params`), so equivalent spellings give the same cache id. `inputCount` enables per-input checks
 * (pass -1 when the arity is already wrong to skip them).
 */
export function normaliseConfig (type: NodeType, raw: unknown, inputCount: number, base: string, nodeId: string): ConfigResult {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return { ok: false, problems: [{ path: base, code: 'bad-config', message: `must be a mapping, got ${JSON.stringify(raw)}` }] }
  }
  if (type === 'SOURCE') return sourceConfig(raw as Record<string, unknown>, base, nodeId)
  const schema = SCHEMAS[type]
  const parsed = schema.safeParse(raw)
  if (!parsed.success) {
    return { ok: false, problems: zodProblems(parsed.error.issues, base, raw, 'bad-config', knownFields(type)) }
  }
  const problems: Problem[] = []
  const finish = FINISH[type]
  const config = finish === undefined
    ? parsed.data as Record<string, unknown>
    : finish(parsed.data as Record<string, unknown>, inputCount, (field, message) => {
      problems.push({ path: `${base}.${field}`, code: 'bad-config', message })
    })
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config }
}

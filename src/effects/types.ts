import type { Cid, CacheId } from '../util/index.js'

/** Type of one effect parameter */
export interface ParamSpec {
  type: 'number' | 'integer' | 'boolean' | 'string' | 'enum' | 'color'
  /** inclusive range for number/integer */
  min?: number
  max?: number
  /** a sensible increment for a slider (number); integers step by 1 */
  step?: number
  /** allowed values for enum */
  values?: readonly string[]
  default: number | boolean | string
  /** unit shown beside the value: 'px', '°', 'Hz'... */
  unit?: string
  /** one line in our own words: what the parameter does and what its ends mean */
  description: string
}

/** Catalogue groups of the built-in effects */
export const EFFECT_GROUPS = ['composite', 'color', 'blur', 'geometry', 'texture', 'temporal'] as const
export type EffectGroup = typeof EFFECT_GROUPS[number]

/** The declaration of a named effect: what it is, not how it runs */
export interface EffectDefinition {
  name: string
  version: string
  description: string
  group: EffectGroup
  params: Readonly<Record<string, ParamSpec>>
  /** true when the effect looks at more than one frame (echo, trails...) */
  temporal: boolean
  /** shows only in motion (echo, trails): refused on a still picture, where it would change nothing */
  needsMotion?: boolean
  /** rules between params (edge_detect: low <= high); a problem in our words naming the params, or undefined */
  check?(params: Readonly<Record<string, unknown>>): string | undefined
  /**
   * SHA3-256 hex of the canonical JSON of the definition *and* how it runs (the ffmpeg filter
   * template), so changing an effect invalidates its cached results
   */
  hash: string
}

/** Read side of the effect registry: all that validation and planning need */
export interface EffectCatalog {
  get(name: string): EffectDefinition | undefined
  list(): EffectDefinition[]
}

/** A media file on local disk, materialised from the store for ffmpeg */
export interface MediaFile {
  path: string
  cid: Cid
}

/** One step of a plan as the step executor sees it */
export interface StepSpec {
  /** recipe node id */
  id: string
  type: string
  config: Readonly<Record<string, unknown>>
  cacheId: CacheId
  effect?: { name: string, version: string, hash: string }
}

export interface StepExecutionInit {
  /** a private, empty directory for temp files and the output */
  workDir: string
  signal?: AbortSignal
  /** 0..1 while ffmpeg runs */
  onProgress?(fraction: number): void
}

/**
 * What a step produced: a new file in workDir, or one of its inputs unchanged
 * (identity: the output has the input's CID, no bytes are written)
 */
export type StepOutput =
  | { kind: 'file', path: string }
  | { kind: 'input', index: number }

/** Runs one plan step on local files */
export interface StepExecutor {
  execute(step: StepSpec, inputs: MediaFile[], init: StepExecutionInit): Promise<StepOutput>
  /**
   * The index of the input a step returns unchanged without looking at it (identity), so the caller
   * need not even materialise the input files; undefined for every step that does real work
   */
  passthroughInput?(step: StepSpec): number | undefined
}

import type { EffectGroup, ParamSpec } from './types.js'

/** Resolved (validated, defaulted) effect params */
export type ResolvedParams = Readonly<Record<string, number | boolean | string>>

/** What an effect's filtergraph may depend on besides its params */
export interface FilterContext {
  /** size of the input picture */
  width: number
  height: number
  /** 31-bit seed derived from the step's cache id (noise, grain, strobe phase...) */
  seed: number
}

/** A lookup table: `{@table}` in a template is replaced by `map[params[param]]` */
export interface LookupTable {
  param: string
  map: Readonly<Record<string, string>>
}

/**
 * How an effect is declared and how it runs. The filtergraph is a text template, so the template (and
 * lookups, and asset bytes) go into the definition hash: changing how an effect renders changes its hash.
 *
 * Template syntax:
 * - a plain filter chain (`hflip,negate`) is applied to the input picture, or a graph with labels:
 *   `[in]` the input picture, `[out]` the result, `[asset:<file>]` a bundled asset picture;
 * - `{name}` a param, a derived value or a context value (`W`, `H`: input size, `seed`);
 * - `{@table}` a lookup from `lookups`.
 * `derive` computes numbers from params (e.g. a colour matrix). It is code, not data: whoever changes a
 * `derive` must bump the effect's version, so the hash (and every cached result) changes with it.
 */
export interface EffectSpec {
  name: string
  version: string
  description: string
  group: EffectGroup
  params: Readonly<Record<string, ParamSpec>>
  /** looks at more than one frame or changes over time: on a still image it renders a short clip */
  temporal: boolean
  /** shows only in motion: refused on a still picture (every frame of its clip would be the same) */
  needsMotion?: boolean
  template: string
  lookups?: Readonly<Record<string, LookupTable>>
  /** bundled asset files the template refers to as `[asset:<file>]` */
  assets?: readonly string[]
  derive?(params: ResolvedParams, ctx: FilterContext): Record<string, number | string>
  /** cross-param checks; returns a problem or undefined */
  check?(params: Readonly<Record<string, unknown>>): string | undefined
  /** output = input bytes (identity): nothing runs */
  passthrough?: boolean
}

/** Numbers as ffmpeg reads them: no exponent, at most 6 decimals */
export function formatNumber (value: number): string {
  const fixed = Number(value.toFixed(6))
  return Object.is(fixed, -0) ? '0' : String(fixed)
}

const PLACEHOLDER = /\{(@?)([A-Za-z_][A-Za-z0-9_]*)\}/g

/** Fills a template; an unknown placeholder is a bug in the effect, not bad input */
export function renderTemplate (spec: EffectSpec, params: ResolvedParams, ctx: FilterContext): string {
  const values: Record<string, number | string | boolean> = {
    W: ctx.width, H: ctx.height, seed: ctx.seed, ...params, ...(spec.derive?.(params, ctx) ?? {})
  }
  return spec.template.replace(PLACEHOLDER, (_match, lookup: string, key: string) => {
    if (lookup === '@') {
      const table = spec.lookups?.[key]
      const chosen = table == null ? undefined : table.map[String(params[table.param])]
      if (chosen == null) throw new Error(`effect "${spec.name}": template lookup {@${key}} has no entry`)
      return chosen
    }
    const value = values[key]
    if (value == null) throw new Error(`effect "${spec.name}": template placeholder {${key}} has no value`)
    if (typeof value === 'number') return formatNumber(value)
    return String(value)
  })
}

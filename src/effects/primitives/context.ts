import type { Encoding, FfmpegCommand, ProbedInput } from '../encode.js'
import { COLOR_WORDS, isColor } from '../../media/index.js'
import { InvalidStepConfigError } from '../errors.js'
import type { EffectRegistry } from '../registry.js'
import type { StepSpec } from '../types.js'

/** What a primitive builder gets: the step, its probed inputs and where to write */
export interface StepContext {
  step: StepSpec
  inputs: ProbedInput[]
  workDir: string
  /** 31-bit seed from the step's cache id */
  seed: number
  registry: EffectRegistry
  /** how the result is written: the run's output choice on its output step, else the default */
  encoding: Encoding
}

/** A builder either returns a command to run or names the input that is the output (no bytes written) */
export type StepPlan = FfmpegCommand | { kind: 'input', index: number }

export type PrimitiveBuilder = (ctx: StepContext) => StepPlan


/**
 * Defensive readers of a step's config (it arrives validated, but a worker must not trust a queue blindly).
 * Every problem is an InvalidStepConfigError naming the step type, the field and the value.
 */
export class ConfigReader {
  constructor (private readonly type: string, private readonly config: Readonly<Record<string, unknown>>) {}

  fail (field: string, problem: string, value: unknown): never {
    throw new InvalidStepConfigError(`${this.type} config.${field} ${problem}, got ${describe(value)}`)
  }

  number (field: string, opts: { min?: number, max?: number, default?: number, integer?: boolean, above?: number }): number
  number (field: string, opts: { min?: number, max?: number, integer?: boolean, above?: number, optional: true }): number | undefined
  number (field: string, opts: { min?: number, max?: number, default?: number, integer?: boolean, above?: number, optional?: boolean }): number | undefined {
    return checkNumber((problem, value) => this.fail(field, problem, value), this.config[field], opts)
  }

  enum<T extends string> (field: string, values: readonly T[], fallback: T): T {
    const value = this.config[field] ?? fallback
    if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) this.fail(field, `must be one of ${values.join(', ')}`, value)
    return value as T
  }

  color (field: string, fallback: string): string {
    return checkColor((problem, value) => this.fail(field, problem, value), this.config[field] ?? fallback)
  }

  boolean (field: string, fallback: boolean): boolean {
    const value = this.config[field] ?? fallback
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false', value)
    return value as boolean
  }

  raw (field: string): unknown {
    return this.config[field]
  }
}

export function checkNumber (
  fail: (problem: string, value: unknown) => never,
  raw: unknown,
  opts: { min?: number, max?: number, default?: number, integer?: boolean, above?: number, optional?: boolean }
): number | undefined {
  const value = raw ?? opts.default
  if (value == null) {
    if (opts.optional === true) return undefined
    return fail('is required', value)
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(`must be a ${opts.integer === true ? 'integer' : 'number'}`, value)
  if (opts.integer === true && !Number.isInteger(value)) return fail('must be an integer', value)
  if (opts.above != null && value <= opts.above) return fail(`must be greater than ${opts.above}`, value)
  if ((opts.min != null && value < opts.min) || (opts.max != null && value > opts.max)) {
    return fail(`must be between ${opts.min ?? '-inf'} and ${opts.max ?? 'inf'}`, value)
  }
  return value
}

export function checkColor (fail: (problem: string, value: unknown) => never, value: unknown): string {
  if (!isColor(value)) return fail(`must be ${COLOR_WORDS}`, value)
  return value
}

export function describe (value: unknown): string {
  if (value === undefined) return 'nothing'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/** seconds with at most 6 decimals, for -ss/-t and filter args */
export function sec (value: number): string {
  return String(Number(value.toFixed(6)))
}

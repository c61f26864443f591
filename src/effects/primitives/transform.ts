import {
  GLOBAL_ARGS, audioModeFor
} from '../encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from '../errors.js'
import { checkNumber, describe, sec, type StepContext, type StepPlan } from './context.js'

/** TRANSFORM adjustments and their ranges */
export const TRANSFORM_RANGES = {
  saturation: { min: 0, max: 3 },
  contrast: { min: 0, max: 4 },
  brightness: { min: -1, max: 1 },
  gamma: { min: 0.1, max: 10 },
  hue: { min: -360, max: 360 },
  blur: { min: 0, max: 50 },
  sharpen: { min: 0, max: 5 },
  speed: { min: 0.25, max: 4 }
} as const
type Adjustment = keyof typeof TRANSFORM_RANGES

/**
 * TRANSFORM: `effects: {saturation, contrast, brightness, gamma -> eq; hue (degrees) -> hue; blur (sigma)
 * -> gblur; sharpen -> unsharp; speed -> setpts + atempo}`. Flat keys in config are accepted too.
 * No adjustment (or only `speed` on a still image) returns the input unchanged.
 */
export function buildTransform (ctx: StepContext): StepPlan {
  const config = ctx.step.config
  const nested = config.effects
  if (nested != null && (typeof nested !== 'object' || Array.isArray(nested))) {
    throw new InvalidStepConfigError(`TRANSFORM config.effects must be an object, got ${describe(nested)}`)
  }
  const source = (nested ?? config) as Record<string, unknown>
  const where = nested != null ? 'config.effects' : 'config'
  const values: Partial<Record<Adjustment, number>> = {}
  for (const [key, raw] of Object.entries(source)) {
    if (!Object.hasOwn(TRANSFORM_RANGES, key)) {
      if (nested == null) continue
      throw new InvalidStepConfigError(`TRANSFORM ${where}.${key} is not an adjustment (known: ${Object.keys(TRANSFORM_RANGES).join(', ')})`)
    }
    const fail = (problem: string, value: unknown): never => {
      throw new InvalidStepConfigError(`TRANSFORM ${where}.${key} ${problem}, got ${describe(value)}`)
    }
    values[key as Adjustment] = checkNumber(fail, raw, { ...TRANSFORM_RANGES[key as Adjustment], optional: true })
  }

  const input = ctx.inputs[0]!
  const { info } = input
  const still = info.kind === 'image'
  const eq = (['saturation', 'contrast', 'brightness', 'gamma'] as const)
    .filter((k) => values[k] != null).map((k) => `${k}=${sec(values[k]!)}`)
  const filters: string[] = []
  if (eq.length > 0) filters.push(`eq=${eq.join(':')}`)
  if (values.hue != null) filters.push(`hue=h=${sec(values.hue)}`)
  if (values.blur != null && values.blur > 0) filters.push(`gblur=sigma=${sec(values.blur)}`)
  if (values.sharpen != null) filters.push(`unsharp=5:5:${sec(values.sharpen)}:5:5:0`)
  const speed = still ? undefined : values.speed
  if (speed != null && speed !== 1) filters.push(`setpts=PTS/${sec(speed)}`)
  const nothingToDo = filters.length === 0 && (speed == null || speed === 1)
  if (nothingToDo && ctx.encoding.choice === undefined) return { kind: 'input', index: 0 }
  // a run's output choice still re-encodes the picture as it is
  if (filters.length === 0) filters.push('null')
  if (!info.hasVideo) throw new InvalidStepInputError('TRANSFORM needs a picture, but its input is audio-only')

  const kind = still ? 'image' : 'video'
  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  const args = [...GLOBAL_ARGS, '-i', input.path, '-map', '0:v:0']
  args.push('-vf', kind === 'video' ? [...filters, ctx.encoding.videoFinish].join(',') : [...filters, 'setsar=1', ctx.encoding.imageFinish].join(','))
  let audio = kind === 'video' ? audioModeFor(info) : 'none'
  if (audio !== 'none') {
    args.push('-map', '0:a:0')
    if (speed != null && speed !== 1) {
      args.push('-af', atempo(speed))
      audio = 'aac'
    }
  }
  args.push(...ctx.encoding.outputArgs(kind, audio, outputPath))
  return { args, outputPath, outputKind: kind, durationHint: info.duration / (speed ?? 1) }
}

/** atempo takes 0.5..100 per instance: chain halves below 0.5 */
function atempo (speed: number): string {
  const parts: string[] = []
  let rest = speed
  while (rest < 0.5) {
    parts.push('atempo=0.5')
    rest /= 0.5
  }
  parts.push(`atempo=${sec(rest)}`)
  return parts.join(',')
}

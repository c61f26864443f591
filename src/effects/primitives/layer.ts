import { MAX_SIDE } from '../../media/index.js'
import { STILL_FPS } from '../constants.js'
import { GLOBAL_ARGS, audioModeFor, inputArgs, type FfmpegCommand } from '../encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from '../errors.js'
import { BLEND_FITS } from './blend.js'
import { checkNumber, describe, sec, type StepContext } from './context.js'

interface LayerSpec { x: number, y: number, opacity: number, scale: number, fit?: typeof BLEND_FITS[number] }

/**
 * LAYER: input 0 is the base; inputs 1.. are overlaid on it in order. `config.inputs` (or `layers`) is
 * a list, one entry per input: `{position: [x, y], opacity: 0..1, scale: > 0, fit?}` (entry 0, for the
 * base, is ignored). `fit` first sizes a layer to the base: stretch, fit (inside, transparent margins) or
 * fill (covering, cropped); without it the layer keeps its own size. Alpha is kept: where the base is
 * transparent and no layer covers it, the result is (a GIF or MOV output keeps it). All images -> PNG. Any video -> MP4 as long as the base (or the first video when the
 * base is a still), stills held; a video layer that ends early disappears. Audio: the first input with audio.
 */
export function buildLayer (ctx: StepContext): FfmpegCommand {
  const layers = readLayers(ctx.step.config.inputs ?? ctx.step.config.layers, ctx.inputs.length)
  const inputs = ctx.inputs
  inputs.forEach((input, i) => {
    if (!input.info.hasVideo) throw new InvalidStepInputError(`LAYER input ${i} is audio-only; layers need pictures`)
  })
  const firstVideo = inputs.find((input) => input.info.kind !== 'image')
  const kind = firstVideo == null ? 'image' : 'video'
  const base = inputs[0]!
  const duration = base.info.kind !== 'image' ? base.info.duration : firstVideo?.info.duration ?? 0
  const fps = firstVideo?.info.fps ?? STILL_FPS

  const args = [...GLOBAL_ARGS]
  for (const input of inputs) args.push(...inputArgs(input, kind === 'video' ? { duration, fps } : undefined))
  const graph = ['[0:v]setsar=1[b0]']
  for (let i = 1; i < inputs.length; i++) {
    const l = layers[i]!
    graph.push(`[${i}:v]${fitted(l.fit, base.info.width ?? 2, base.info.height ?? 2)}scale='max(1,trunc(iw*${sec(l.scale)}))':'max(1,trunc(ih*${sec(l.scale)}))',format=rgba,colorchannelmixer=aa=${sec(l.opacity)}[l${i}]`)
    graph.push(`[b${i - 1}][l${i}]overlay=x=${sec(l.x)}:y=${sec(l.y)}:format=auto:eof_action=pass[b${i}]`)
  }
  const last = `[b${inputs.length - 1}]`
  graph.push(kind === 'video' ? `${last}${ctx.encoding.videoFinish}[vout]` : `${last}${ctx.encoding.imageFinish}[vout]`)

  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  args.push('-filter_complex', graph.join(';'), '-map', '[vout]')
  const withAudio = inputs.findIndex((input) => input.info.hasAudio)
  const audio = kind === 'video' && withAudio >= 0 ? audioModeFor(inputs[withAudio]!.info) : 'none'
  if (audio !== 'none') args.push('-map', `${withAudio}:a:0`)
  if (kind === 'video') args.push('-t', sec(duration))
  args.push(...ctx.encoding.outputArgs(kind, audio, outputPath))
  return { args, outputPath, outputKind: kind, durationHint: kind === 'video' ? duration : 0 }
}

/** the filters that bring a layer to the base's W x H (nothing without `fit`) */
function fitted (fit: LayerSpec['fit'], W: number, H: number): string {
  if (fit === undefined) return ''
  if (fit === 'stretch') return `scale=${W}:${H},`
  if (fit === 'fill') return `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},`
  return `scale=${W}:${H}:force_original_aspect_ratio=decrease,format=rgba,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black@0,`
}

function readLayers (raw: unknown, count: number): LayerSpec[] {
  if (raw != null && !Array.isArray(raw)) throw new InvalidStepConfigError(`LAYER config.inputs must be a list of {position, opacity, scale}, got ${describe(raw)}`)
  const list = (raw ?? []) as unknown[]
  return Array.from({ length: count }, (_unused, i) => {
    const entry = list[i] ?? {}
    if (typeof entry !== 'object' || entry == null || Array.isArray(entry)) {
      throw new InvalidStepConfigError(`LAYER config.inputs[${i}] must be an object, got ${describe(entry)}`)
    }
    const e = entry as Record<string, unknown>
    const fail = (field: string) => (problem: string, value: unknown): never => {
      throw new InvalidStepConfigError(`LAYER config.inputs[${i}].${field} ${problem}, got ${describe(value)}`)
    }
    const position = e.position ?? [0, 0]
    if (!Array.isArray(position) || position.length !== 2) fail('position')('must be [x, y]', position)
    const [px, py] = position as unknown[]
    return {
      x: checkNumber(fail('position'), px, { min: -MAX_SIDE, max: MAX_SIDE })!,
      y: checkNumber(fail('position'), py, { min: -MAX_SIDE, max: MAX_SIDE })!,
      opacity: checkNumber(fail('opacity'), e.opacity, { min: 0, max: 1, default: 1 })!,
      scale: checkNumber(fail('scale'), e.scale, { above: 0, max: 16, default: 1 })!,
      ...(e.fit === undefined ? {} : { fit: readFit(e.fit, fail('fit')) })
    }
  })
}

function readFit (value: unknown, fail: (problem: string, value: unknown) => never): typeof BLEND_FITS[number] {
  return BLEND_FITS.find((f) => f === value) ?? fail(`must be one of ${BLEND_FITS.join(', ')}`, value)
}

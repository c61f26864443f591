import { STILL_FPS } from '../constants.js'
import { GLOBAL_ARGS, audioModeFor, inputArgs, type FfmpegCommand } from '../encode.js'
import { InvalidStepInputError } from '../errors.js'
import { ConfigReader, sec, type StepContext } from './context.js'

export const BLEND_MODES = ['multiply', 'screen', 'overlay', 'add', 'subtract', 'average', 'difference', 'lighten', 'darken'] as const
const FFMPEG_MODE: Record<typeof BLEND_MODES[number], string> = {
  multiply: 'multiply', screen: 'screen', overlay: 'overlay', add: 'addition', subtract: 'subtract',
  average: 'average', difference: 'difference', lighten: 'lighten', darken: 'darken'
}

export const BLEND_FITS = ['stretch', 'fit', 'fill'] as const

/**
 * BLEND two inputs with `mode` at `opacity` (0..1, default 0.5), in RGB. Input 1 is brought to input 0's
 * size by `fit`: `stretch` (default: both sides scaled, aspect lost), `fit` (inside, aspect kept, the
 * margins transparent) or `fill` (covers, aspect kept, the overflow cropped). When an input has alpha (or
 * with `fit`) the blend keeps an alpha channel: where either input is opaque the result is.
 * Two stills -> PNG; otherwise a clip (a still is held; two videos end with the shorter).
 * Audio: the first input with audio.
 */
export function buildBlend (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('BLEND', ctx.step.config)
  const mode = cfg.enum('mode', BLEND_MODES, 'overlay')
  const opacity = cfg.number('opacity', { min: 0, max: 1, default: 0.5 })
  const fit = cfg.enum('fit', BLEND_FITS, 'stretch')
  const [a, b] = ctx.inputs as [typeof ctx.inputs[0] & object, typeof ctx.inputs[0] & object]
  for (const [i, input] of [a, b].entries()) {
    if (!input.info.hasVideo) throw new InvalidStepInputError(`BLEND input ${i} is audio-only; blending needs pictures`)
  }
  const videos = [a, b].filter((input) => input.info.kind !== 'image')
  const kind = videos.length === 0 ? 'image' : 'video'
  const duration = videos.length === 0 ? 0 : Math.min(...videos.map((v) => v.info.duration))
  const fps = videos[0]?.info.fps ?? STILL_FPS

  const args = [...GLOBAL_ARGS]
  for (const input of [a, b]) args.push(...inputArgs(input, kind === 'video' ? { duration, fps } : undefined))
  const alpha = a.info.hasAlpha || b.info.hasAlpha || fit === 'fit'
  const planes = alpha ? 'gbrap' : 'gbrp'
  const finish = kind === 'video' ? ctx.encoding.videoFinish : `format=${alpha ? 'rgba' : 'rgb24'},${ctx.encoding.imageFinish}`
  const W = a.info.width
  const H = a.info.height
  const sized: Record<typeof fit, string> = {
    stretch: `scale=${W}:${H}`,
    fit: `scale=${W}:${H}:force_original_aspect_ratio=decrease,format=rgba,pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=black@0`,
    fill: `scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H}`
  }
  // the alpha plane (c3 of gbrap) is the union of both: where either input is opaque, the result is
  const alphaMode = alpha ? ':c3_mode=lighten:c3_opacity=1' : ''
  const graph = [
    `[0:v]format=${planes},setsar=1[a]`,
    `[1:v]${sized[fit]},format=${planes},setsar=1[b]`,
    `[a][b]blend=all_mode=${FFMPEG_MODE[mode]}:all_opacity=${sec(opacity)}${alphaMode}:shortest=1,${finish}[vout]`
  ]
  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  args.push('-filter_complex', graph.join(';'), '-map', '[vout]')
  const withAudio = [a, b].findIndex((input) => input.info.hasAudio)
  const audio = kind === 'video' && withAudio >= 0 ? audioModeFor([a, b][withAudio]!.info) : 'none'
  if (audio !== 'none') args.push('-map', `${withAudio}:a:0`)
  if (kind === 'video') args.push('-t', sec(duration))
  args.push(...ctx.encoding.outputArgs(kind, audio, outputPath))
  return { args, outputPath, outputKind: kind, durationHint: duration }
}

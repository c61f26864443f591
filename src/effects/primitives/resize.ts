import { MAX_SIDE } from '../../media/index.js'
import {
  GLOBAL_ARGS, audioModeFor, type FfmpegCommand
} from '../encode.js'
import { InvalidStepInputError } from '../errors.js'
import { ConfigReader, type StepContext } from './context.js'

export const RESIZE_MODES = ['fit', 'fill', 'stretch', 'pad'] as const

/**
 * RESIZE to `width` x `height` (integers 2..MAX_SIDE), `mode`:
 * fit = scale inside and pad with `background`; fill = scale to cover and crop; stretch = exact size,
 * aspect ignored; pad = never upscale, pad to the size. Images stay PNG; video sizes are made even.
 */
export function buildResize (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('RESIZE', ctx.step.config)
  const w = cfg.number('width', { min: 2, max: MAX_SIDE, integer: true })
  const h = cfg.number('height', { min: 2, max: MAX_SIDE, integer: true })
  const mode = cfg.enum('mode', RESIZE_MODES, 'fit')
  const background = cfg.color('background', 'black')
  const input = ctx.inputs[0]!
  const { info } = input
  if (!info.hasVideo) throw new InvalidStepInputError('RESIZE needs a picture, but its input is audio-only')

  const center = `${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=${background}`
  const filters: Record<typeof mode, string> = {
    stretch: `scale=${w}:${h}`,
    fit: `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${center}`,
    fill: `scale=${w}:${h}:force_original_aspect_ratio=increase,crop=${w}:${h}`,
    pad: `scale='min(iw,${w})':'min(ih,${h})':force_original_aspect_ratio=decrease,pad=${center}`
  }
  const kind = info.kind === 'image' ? 'image' : 'video'
  const chain = kind === 'video' ? `${filters[mode]},${ctx.encoding.videoFinish}` : `${filters[mode]},setsar=1,${ctx.encoding.imageFinish}`
  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  const audio = kind === 'video' ? audioModeFor(info) : 'none'
  const args = [...GLOBAL_ARGS, '-i', input.path, '-map', '0:v:0', '-vf', chain]
  if (audio !== 'none') args.push('-map', '0:a:0')
  args.push(...ctx.encoding.outputArgs(kind, audio, outputPath))
  return { args, outputPath, outputKind: kind, durationHint: info.duration }
}

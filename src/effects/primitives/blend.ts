import { STILL_FPS } from '../constants.js'
import { GLOBAL_ARGS, audioModeFor, inputArgs, type FfmpegCommand } from '../encode.js'
import { InvalidStepInputError } from '../errors.js'
import { ConfigReader, sec, type StepContext } from './context.js'

export const BLEND_MODES = ['multiply', 'screen', 'overlay', 'add', 'subtract', 'average', 'difference', 'lighten', 'darken'] as const
const FFMPEG_MODE: Record<typeof BLEND_MODES[number], string> = {
  multiply: 'multiply', screen: 'screen', overlay: 'overlay', add: 'addition', subtract: 'subtract',
  average: 'average', difference: 'difference', lighten: 'lighten', darken: 'darken'
}

/**
 * BLEND two inputs with `mode` at `opacity` (0..1, default 0.5), in RGB. Input 1 is scaled to input 0's
 * size. Two stills -> PNG; otherwise MP4 (a still is held; two videos end with the shorter).
 * Audio: the first input with audio.
 */
export function buildBlend (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('BLEND', ctx.step.config)
  const mode = cfg.enum('mode', BLEND_MODES, 'overlay')
  const opacity = cfg.number('opacity', { min: 0, max: 1, default: 0.5 })
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
  const finish = kind === 'video' ? ctx.encoding.videoFinish : 'format=rgb24'
  const graph = [
    '[0:v]format=gbrp,setsar=1[a]',
    `[1:v]scale=${a.info.width}:${a.info.height},format=gbrp,setsar=1[b]`,
    `[a][b]blend=all_mode=${FFMPEG_MODE[mode]}:all_opacity=${sec(opacity)}:shortest=1,${finish}[vout]`
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

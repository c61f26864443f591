import { GLOBAL_ARGS, type FfmpegCommand } from '../encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from '../errors.js'
import { ConfigReader, checkNumber, describe, sec, type StepContext } from './context.js'

/**
 * AUDIO_MIX: the sound of every input, each scaled by `gains[i]` (0..10, default 1), mixed with amix
 * (`normalize`, default true, divides by the number of inputs). Output: input 0's picture (copied when
 * H.264 yuv420p) with the mix as MP4, or an M4A when input 0 has no picture. Lasts as long as the longest input.
 */
export function buildAudioMix (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('AUDIO_MIX', ctx.step.config)
  const n = ctx.inputs.length
  const normalize = cfg.boolean('normalize', true)
  const rawGains = cfg.raw('gains')
  if (rawGains != null && (!Array.isArray(rawGains) || rawGains.length !== n)) {
    throw new InvalidStepConfigError(`AUDIO_MIX config.gains must be a list of ${n} numbers (one per input), got ${describe(rawGains)}`)
  }
  const gains = Array.from({ length: n }, (_unused, i) => checkNumber((problem, value): never => {
    throw new InvalidStepConfigError(`AUDIO_MIX config.gains[${i}] ${problem}, got ${describe(value)}`)
  }, (rawGains as unknown[] | undefined)?.[i], { min: 0, max: 10, default: 1 })!)
  ctx.inputs.forEach((input, i) => {
    if (!input.info.hasAudio) throw new InvalidStepInputError(`AUDIO_MIX input ${i} has no audio stream`)
  })
  const first = ctx.inputs[0]!
  const kind = first.info.kind === 'video' ? 'video' : 'audio'
  const duration = Math.max(...ctx.inputs.map((input) => input.info.duration))

  const args = [...GLOBAL_ARGS]
  for (const input of ctx.inputs) args.push('-i', input.path)
  const graph = ctx.inputs.map((_input, i) => `[${i}:a]volume=${sec(gains[i]!)}[a${i}]`)
  const pads = ctx.inputs.map((_input, i) => `[a${i}]`).join('')
  graph.push(`${pads}amix=inputs=${n}:duration=longest:normalize=${normalize ? 1 : 0}[aout]`)
  args.push('-filter_complex', graph.join(';'))
  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  if (kind === 'video') {
    args.push('-map', '0:v:0')
    const copyVideo = ctx.encoding.canCopyVideo(first.info)
    if (!copyVideo) args.push('-vf', ctx.encoding.videoFinish)
    args.push('-map', '[aout]', ...ctx.encoding.outputArgs('video', 'aac', outputPath, { copyVideo }))
  } else {
    args.push('-map', '[aout]', ...ctx.encoding.outputArgs('audio', 'aac', outputPath))
  }
  return { args, outputPath, outputKind: kind, durationHint: duration }
}

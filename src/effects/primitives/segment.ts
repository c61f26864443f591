import { STILL_DURATION_S } from '../constants.js'
import {
  GLOBAL_ARGS, inputArgs, type FfmpegCommand
} from '../encode.js'
import { InvalidStepConfigError } from '../errors.js'
import { ConfigReader, sec, type StepContext } from './context.js'

/**
 * SEGMENT: `offset` (s, >= 0, default 0) and optional `duration` (s, > 0) of the input, cut precisely
 * (decoded, then re-encoded). A still image is an endless still: its segment is a clip of `duration`
 * (default STILL_DURATION_S) seconds.
 */
export function buildSegment (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('SEGMENT', ctx.step.config)
  const offset = cfg.number('offset', { min: 0, default: 0 })
  const duration = cfg.number('duration', { above: 0, optional: true })
  const input = ctx.inputs[0]!
  const { info } = input

  if (info.kind === 'image') {
    const length = duration ?? STILL_DURATION_S
    const outputPath = ctx.encoding.outputPath(ctx.workDir, 'video')
    return {
      args: [...GLOBAL_ARGS, ...inputArgs(input, { duration: length }), '-vf', ctx.encoding.videoFinish, '-map', '0:v:0', ...ctx.encoding.outputArgs('video', 'none', outputPath)],
      outputPath,
      outputKind: 'video',
      durationHint: length
    }
  }
  if (offset >= info.duration) {
    throw new InvalidStepConfigError(`SEGMENT config.offset ${sec(offset)} s is at or past the end of the input (${sec(info.duration)} s)`)
  }
  const length = Math.min(duration ?? Infinity, info.duration - offset)
  const kind = info.hasVideo ? 'video' : 'audio'
  const outputPath = ctx.encoding.outputPath(ctx.workDir, kind)
  const args = [...GLOBAL_ARGS, '-i', input.path, '-ss', sec(offset)]
  if (duration != null) args.push('-t', sec(duration))
  if (info.hasVideo) args.push('-map', '0:v:0', '-vf', ctx.encoding.videoFinish)
  if (info.hasAudio) args.push('-map', '0:a:0')
  // a cut audio stream is re-encoded: copying would start at the packet before the offset
  args.push(...ctx.encoding.outputArgs(kind, info.hasAudio ? 'aac' : 'none', outputPath))
  return { args, outputPath, outputKind: kind, durationHint: length }
}

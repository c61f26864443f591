import { GLOBAL_ARGS, audioModeFor, inputArgs, type FfmpegCommand } from '../encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from '../errors.js'
import { ConfigReader, sec, type StepContext } from './context.js'

/**
 * MUX: the picture of input `video_stream` (default 0) with the sound of input `audio_stream`
 * (default 1), `shortest` (default true) ends with the shorter one. H.264 yuv420p video is copied,
 * anything else (or a still image, held for the audio's length) is encoded; audio ends up AAC.
 */
export function buildMux (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('MUX', ctx.step.config)
  const n = ctx.inputs.length
  const vi = cfg.number('video_stream', { min: 0, integer: true, default: 0 })
  const ai = cfg.number('audio_stream', { min: 0, integer: true, default: 1 })
  const shortest = cfg.boolean('shortest', true)
  if (vi >= n) throw new InvalidStepConfigError(`MUX config.video_stream ${vi} names no input (the step has ${n})`)
  if (ai >= n) throw new InvalidStepConfigError(`MUX config.audio_stream ${ai} names no input (the step has ${n})`)
  const video = ctx.inputs[vi]!
  const audio = ctx.inputs[ai]!
  if (!video.info.hasVideo) throw new InvalidStepInputError(`MUX input ${vi} (video_stream) has no picture`)
  if (!audio.info.hasAudio) throw new InvalidStepInputError(`MUX input ${ai} (audio_stream) has no audio stream`)

  const still = video.info.kind === 'image'
  const durations = [still ? audio.info.duration : video.info.duration, audio.info.duration]
  const duration = shortest ? Math.min(...durations) : Math.max(...durations)
  const outputPath = ctx.encoding.outputPath(ctx.workDir, 'video')
  const args = [...GLOBAL_ARGS, ...inputArgs(video, still ? { duration: audio.info.duration } : undefined), '-i', audio.path]
  args.push('-map', '0:v:0', '-map', '1:a:0')
  const copyVideo = ctx.encoding.canCopyVideo(video.info)
  if (!copyVideo) args.push('-vf', ctx.encoding.videoFinish)
  if (shortest) args.push('-shortest')
  args.push(...ctx.encoding.outputArgs('video', audioModeFor(audio.info), outputPath, { copyVideo }))
  return { args, outputPath, outputKind: 'video', durationHint: Number(sec(duration)) }
}


import { MAX_SIDE } from '../../media/index.js'
import { AUDIO_SAMPLE_RATE, STILL_DURATION_S, STILL_FPS } from '../constants.js'
import { GLOBAL_ARGS, inputArgs, type FfmpegCommand, type ProbedInput } from '../encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from '../errors.js'
import { ConfigReader, checkNumber, describe, sec, type StepContext } from './context.js'

export const TRANSITIONS = ['cut', 'crossfade', 'fade'] as const
export const TARGET_SIZES = ['first', 'last', 'largest', 'explicit'] as const

/**
 * SEQUENCE: the inputs one after another, in order, as one clip (MP4 unless the run chose a format).
 * - `transition: {type: cut | crossfade | fade, duration = 0.5}`: cut = concat; crossfade = xfade +
 *   acrossfade (the clips overlap by `duration`); fade = each clip fades in and out, then concat.
 * - `target_size: first | last | largest | explicit` (+ `width`, `height`), `background` for the padding.
 * - still images are shown for `image_duration` (default STILL_DURATION_S) seconds.
 * - alpha: when an input has it, the graph keeps an alpha plane (and pads with transparency unless a
 *   `background` is given), so a format that holds alpha (mov, gif) keeps it; mp4 and webm drop it.
 * - audio: when any input has sound, clips without sound get silence, so clips with and without
 *   audio mix freely; with no sound anywhere (or a format without sound, gif) there is no audio stream.
 */
export function buildSequence (ctx: StepContext): FfmpegCommand {
  const cfg = new ConfigReader('SEQUENCE', ctx.step.config)
  const { type, duration: fadeDuration } = readTransition(ctx.step.config.transition)
  const targetSize = cfg.enum('target_size', TARGET_SIZES, 'first')
  const alpha = ctx.inputs.some((input) => input.info.hasAlpha)
  // yuva444p: an alpha plane, and full chroma for ProRes 4444; every segment must share one format to be joined
  const pixFmt = alpha ? 'yuva444p' : 'yuv420p'
  const background = alpha && cfg.raw('background') === undefined ? 'black@0' : cfg.color('background', 'black')
  const imageDuration = cfg.number('image_duration', { above: 0, max: 3600, default: STILL_DURATION_S })
  const inputs = ctx.inputs
  inputs.forEach((input, i) => {
    if (!input.info.hasVideo) throw new InvalidStepInputError(`SEQUENCE input ${i} is audio-only; a sequence needs pictures`)
  })

  const [width, height] = targetSize === 'explicit'
    ? [cfg.number('width', { min: 2, max: MAX_SIDE, integer: true }), cfg.number('height', { min: 2, max: MAX_SIDE, integer: true })]
    : pickSize(inputs, targetSize)
  const W = width - (width % 2)
  const H = height - (height % 2)
  const fps = inputs.find((input) => input.info.fps != null)?.info.fps ?? STILL_FPS
  const durations = inputs.map((input) => input.info.kind === 'image' ? imageDuration : input.info.duration)
  const withAudio = ctx.encoding.sound && inputs.some((input) => input.info.hasAudio)
  const T = type === 'cut' ? 0 : fadeDuration
  durations.forEach((d, i) => {
    // a fade needs room to fade in and out; a crossfade overlaps neighbours by T
    const tooLong = type === 'fade' ? T > d / 2 : type === 'crossfade' && inputs.length > 1 && T >= d
    if (tooLong) {
      throw new InvalidStepConfigError(`SEQUENCE config.transition.duration ${sec(T)} s is too long for input ${i} (${sec(d)} s)`)
    }
  })

  const args: string[] = [...GLOBAL_ARGS]
  const graph: string[] = []
  inputs.forEach((input, i) => {
    const d = durations[i]!
    args.push(...inputArgs(input, { duration: d, fps }))
    const fades = type === 'fade' && T > 0 ? `,fade=t=in:st=0:d=${sec(T)},fade=t=out:st=${sec(d - T)}:d=${sec(T)}` : ''
    // with alpha the padding is drawn into an alpha plane, so the format comes before pad
    graph.push(`[${i}:v]scale=${W}:${H}:force_original_aspect_ratio=decrease,${alpha ? `format=${pixFmt},` : ''}pad=${W}:${H}:(ow-iw)/2:(oh-ih)/2:color=${background},` +
      `setsar=1,fps=${sec(fps)},format=${pixFmt},trim=duration=${sec(d)},setpts=PTS-STARTPTS${fades}[v${i}]`)
    if (!withAudio) return
    const afades = type === 'fade' && T > 0 ? `,afade=t=in:st=0:d=${sec(T)},afade=t=out:st=${sec(d - T)}:d=${sec(T)}` : ''
    const source = input.info.hasAudio ? `[${i}:a]` : `anullsrc=r=${AUDIO_SAMPLE_RATE}:cl=stereo,`
    graph.push(`${source}aresample=${AUDIO_SAMPLE_RATE},aformat=sample_fmts=fltp:channel_layouts=stereo,apad,` +
      `atrim=duration=${sec(d)},asetpts=PTS-STARTPTS${afades}[a${i}]`)
  })

  let total = durations.reduce((a, b) => a + b, 0)
  if (type === 'crossfade' && inputs.length > 1) {
    let video = '[v0]'
    let audio = '[a0]'
    let end = durations[0]!
    for (let k = 1; k < inputs.length; k++) {
      graph.push(`${video}[v${k}]xfade=transition=fade:duration=${sec(T)}:offset=${sec(end - T)}[x${k}]`)
      video = `[x${k}]`
      if (withAudio) {
        graph.push(`${audio}[a${k}]acrossfade=d=${sec(T)}[ax${k}]`)
        audio = `[ax${k}]`
      }
      end += durations[k]! - T
    }
    total = end
    graph.push(`${video}format=${pixFmt}[vseq]`)
    if (withAudio) graph.push(`${audio}anull[aout]`)
  } else {
    const pads = inputs.map((_input, i) => withAudio ? `[v${i}][a${i}]` : `[v${i}]`).join('')
    graph.push(`${pads}concat=n=${inputs.length}:v=1:a=${withAudio ? 1 : 0}${withAudio ? '[vseq][aout]' : '[vseq]'}`)
  }

  // a run's output choice (size, fps, pixel format) is applied to the joined clip; else it stays as it is
  graph.push(`[vseq]${ctx.encoding.choice === undefined ? 'null' : ctx.encoding.videoFinish}[vout]`)
  const outputPath = ctx.encoding.outputPath(ctx.workDir, 'video')
  args.push('-filter_complex', graph.join(';'), '-map', '[vout]')
  if (withAudio) args.push('-map', '[aout]')
  args.push(...ctx.encoding.outputArgs('video', withAudio ? 'aac' : 'none', outputPath))
  return { args, outputPath, outputKind: 'video', durationHint: total }
}

function readTransition (raw: unknown): { type: typeof TRANSITIONS[number], duration: number } {
  if (raw == null) return { type: 'cut', duration: 0 }
  const value = typeof raw === 'string' ? { type: raw } : raw
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidStepConfigError(`SEQUENCE config.transition must be an object {type, duration}, got ${describe(raw)}`)
  }
  const t = value as Record<string, unknown>
  const type = t.type ?? 'cut'
  if (typeof type !== 'string' || !(TRANSITIONS as readonly string[]).includes(type)) {
    throw new InvalidStepConfigError(`SEQUENCE config.transition.type must be one of ${TRANSITIONS.join(', ')}, got ${describe(type)}`)
  }
  const fail = (problem: string, v: unknown): never => {
    throw new InvalidStepConfigError(`SEQUENCE config.transition.duration ${problem}, got ${describe(v)}`)
  }
  const duration = checkNumber(fail, t.duration, { above: 0, max: 60, default: 0.5 })!
  return { type: type as typeof TRANSITIONS[number], duration }
}

function pickSize (inputs: ProbedInput[], mode: 'first' | 'last' | 'largest'): [number, number] {
  const sized = inputs.map((input) => [input.info.width ?? 0, input.info.height ?? 0] as [number, number])
  if (mode === 'first') return sized[0]!
  if (mode === 'last') return sized[sized.length - 1]!
  return sized.reduce((best, s) => s[0] * s[1] > best[0] * best[1] ? s : best)
}

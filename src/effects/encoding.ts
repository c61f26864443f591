import { join } from 'node:path'
import { X264_THREADS } from './constants.js'
import { OUTPUT_FORMATS, STILL_FORMATS, outputChoiceSchema, type OutputChoice, type OutputFormat } from '../media/index.js'
import type { AudioMode, OutputKind } from './encode.js'
import { InvalidStepConfigError, InvalidStepInputError } from './errors.js'
import type { MediaInfo } from './probe.js'

/**
 * How a step writes its result. Every step of a plan writes the default (PNG for stills, MP4 H.264 for
 * clips, M4A for sound); the output step of a run that chose a format writes that format instead, so
 * the choice decides the encoder of the last render itself (no second pass that would lose alpha).
 */
export interface Encoding {
  /** the run's choice, on the output step only */
  readonly choice?: OutputChoice
  /** the filter chain that ends every clip's graph: size, square pixels, frame rate, pixel format */
  readonly videoFinish: string
  /** the filter that ends every still's graph: the chosen size, else nothing (`null`) */
  readonly imageFinish: string
  /** false when the chosen clip format carries no sound (gif): a graph must not make a sound output for it */
  readonly sound: boolean
  outputPath(workDir: string, kind: OutputKind): string
  /** codec, muxer and bitexact args after the maps */
  outputArgs(kind: OutputKind, audio: AudioMode, path: string, options?: { copyVideo?: boolean }): string[]
  /** a video stream that can go into the output unchanged */
  canCopyVideo(info: MediaInfo): boolean
}

/**
 * Reproducible output: no encoder/muxer version strings or timestamps, no copied metadata or chapters.
 * With the encoders on a fixed thread count this makes the same command write the same bytes.
 */
export const BITEXACT_ARGS: readonly string[] = [
  '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-map_chapters', '-1'
]

const AAC_ARGS = ['-c:a', 'aac', '-b:a', '192k']
const OPUS_ARGS = ['-c:a', 'libopus', '-b:a', '128k']
const X264_ARGS = [
  '-c:v', 'libx264', '-preset', 'fast', '-crf', '18', '-profile:v', 'high', '-level:v', '4.1',
  '-pix_fmt', 'yuv420p', '-g', '48', '-threads:v', String(X264_THREADS)
]
const VP9_ARGS = ['-c:v', 'libvpx-vp9', '-crf', '32', '-b:v', '0', '-deadline', 'good', '-cpu-used', '4', '-row-mt', '0', '-pix_fmt', 'yuv420p', '-threads:v', String(X264_THREADS)]
const PRORES_ARGS = ['-c:v', 'prores_ks', '-profile:v', '4444', '-pix_fmt', 'yuva444p10le', '-vendor', 'apl0']
const GIF_ARGS = ['-c:v', 'gif', '-loop', '0']

/** Per clip format: the last pixel-format filters, the video codec, the audio codec, the file extension */
const CLIP: Record<Exclude<OutputFormat, 'png' | 'jpg'>, { finish: string, video: string[], audio: string[] | undefined, ext: string, muxer: string[] }> = {
  mp4: { finish: 'format=yuv420p', video: X264_ARGS, audio: AAC_ARGS, ext: 'mp4', muxer: ['-movflags', '+faststart'] },
  webm: { finish: 'format=yuv420p', video: VP9_ARGS, audio: OPUS_ARGS, ext: 'webm', muxer: [] },
  mov: { finish: 'format=yuva444p10le', video: PRORES_ARGS, audio: AAC_ARGS, ext: 'mov', muxer: ['-movflags', '+faststart'] },
  // one palette for the whole clip with a transparent entry; pixels under half opacity become transparent
  gif: {
    finish: 'format=rgba,split[gif_a][gif_b];[gif_a]palettegen=reserve_transparent=1:stats_mode=full[gif_p];[gif_b][gif_p]paletteuse=alpha_threshold=128',
    video: GIF_ARGS,
    audio: undefined,
    ext: 'gif',
    muxer: []
  }
}

function sizeFilter (choice: OutputChoice | undefined): string {
  const w = choice?.width
  const h = choice?.height
  if (w !== undefined && h !== undefined) return `scale=${w}:${h}:force_original_aspect_ratio=decrease:force_divisible_by=2`
  if (w !== undefined) return `scale=${w}:-2`
  if (h !== undefined) return `scale=-2:${h}`
  return "scale='trunc(iw/2)*2':'trunc(ih/2)*2'"
}

function stillSizeFilter (choice: OutputChoice | undefined): string {
  const w = choice?.width
  const h = choice?.height
  if (w !== undefined && h !== undefined) return `scale=${w}:${h}:force_original_aspect_ratio=decrease`
  if (w !== undefined) return `scale=${w}:-1`
  if (h !== undefined) return `scale=-1:${h}`
  return 'null'
}

class StepEncoding implements Encoding {
  readonly videoFinish: string
  readonly imageFinish: string
  readonly sound: boolean

  constructor (readonly choice?: OutputChoice) {
    const clip = choice === undefined || STILL_FORMATS.includes(choice.format) ? CLIP.mp4 : CLIP[choice.format as keyof typeof CLIP]
    this.sound = clip.audio !== undefined
    const fps = choice?.fps === undefined ? '' : `fps=${choice.fps},`
    this.videoFinish = `${sizeFilter(choice)},setsar=1,${fps}${clip.finish}`
    this.imageFinish = stillSizeFilter(choice)
  }

  private clipFormat (kind: OutputKind): typeof CLIP[keyof typeof CLIP] {
    const format = this.choice?.format ?? 'mp4'
    if (kind === 'video' && !STILL_FORMATS.includes(format)) return CLIP[format as keyof typeof CLIP]
    throw new InvalidStepInputError(`the output format "${format}" cannot hold what this step makes (${kind === 'image' ? 'a still picture' : kind === 'video' ? 'a clip' : 'sound only'})`)
  }

  outputPath (workDir: string, kind: OutputKind): string {
    if (this.choice === undefined) return join(workDir, kind === 'image' ? 'output.png' : kind === 'video' ? 'output.mp4' : 'output.m4a')
    if (kind === 'image' && STILL_FORMATS.includes(this.choice.format)) return join(workDir, `output.${this.choice.format}`)
    return join(workDir, `output.${this.clipFormat(kind).ext}`)
  }

  outputArgs (kind: OutputKind, audio: AudioMode, path: string, options: { copyVideo?: boolean } = {}): string[] {
    if (kind === 'image') {
      const format = this.choice?.format ?? 'png'
      if (format === 'png') return ['-frames:v', '1', '-update', '1', '-c:v', 'png', ...BITEXACT_ARGS, path]
      if (format === 'jpg') return ['-frames:v', '1', '-update', '1', '-c:v', 'mjpeg', '-q:v', '2', ...BITEXACT_ARGS, path]
      this.clipFormat(kind)
    }
    if (kind === 'audio') {
      if (this.choice !== undefined) this.clipFormat(kind)
      return ['-vn', ...audioArgs(audio, AAC_ARGS), '-movflags', '+faststart', ...BITEXACT_ARGS, path]
    }
    const clip = this.clipFormat(kind)
    const video = options.copyVideo === true ? ['-c:v', 'copy'] : clip.video
    const sound = clip.audio === undefined ? ['-an'] : audioArgs(clip === CLIP.webm && audio === 'copy' ? 'aac' : audio, clip.audio)
    return [...video, ...sound, ...clip.muxer, ...BITEXACT_ARGS, path]
  }

  canCopyVideo (info: MediaInfo): boolean {
    return this.choice === undefined && info.kind === 'video' && info.videoCodec === 'h264' && info.pixFmt === 'yuv420p'
  }
}

/** 'copy' copies the input's AAC as it is; 'aac' encodes with the format's audio codec */
function audioArgs (audio: AudioMode, encode: string[]): string[] {
  return audio === 'none' ? ['-an'] : audio === 'copy' ? ['-c:a', 'copy'] : encode
}

/** Every step but a run's output step */
export const DEFAULT_ENCODING: Encoding = new StepEncoding()

/**
 * The encoding of a step from its config: the run's output choice on the output step, else the default.
 * The choice is checked with the planner's own schema, as a step's config also arrives through the queue.
 */
export function encodingFor (config: Readonly<Record<string, unknown>>): Encoding {
  if (config.output === undefined) return DEFAULT_ENCODING
  const parsed = outputChoiceSchema.safeParse(config.output)
  if (!parsed.success) {
    const format = (config.output as { format?: unknown } | null)?.format
    throw new InvalidStepConfigError(OUTPUT_FORMATS.includes(format as OutputFormat)
      ? `output: not an output choice: ${JSON.stringify(config.output).slice(0, 200)}`
      : `output.format: must be one of ${OUTPUT_FORMATS.join(', ')}, got ${JSON.stringify(format)}`)
  }
  return new StepEncoding(parsed.data)
}

import { execFile } from 'node:child_process'
import { DEFAULT_FFPROBE_PATH } from './constants.js'
import { FfmpegSpawnError, InvalidMediaError } from './errors.js'

/** What a media file is, from ffprobe */
export interface MediaInfo {
  kind: 'image' | 'video' | 'audio'
  /** ffprobe format_name, e.g. "png_pipe", "mov,mp4,m4a,3gp,3g2,mj2" */
  format: string
  /** seconds; 0 for an image */
  duration: number
  hasVideo: boolean
  hasAudio: boolean
  width?: number
  height?: number
  /** frames per second of the video stream */
  fps?: number
  videoCodec?: string
  audioCodec?: string
  pixFmt?: string
  /** the picture carries an alpha channel (rgba, yuva420p...) */
  hasAlpha: boolean
  sampleRate?: number
}

export interface ProbeInit {
  signal?: AbortSignal
  /** @default 'ffprobe' */
  ffprobePath?: string
  /** @default 60000 */
  timeoutMs?: number
}

interface ProbeStream {
  codec_type?: string
  codec_name?: string
  width?: number
  height?: number
  pix_fmt?: string
  avg_frame_rate?: string
  r_frame_rate?: string
  duration?: string
  sample_rate?: string
  disposition?: { attached_pic?: number }
}
interface ProbeOutput { streams?: ProbeStream[], format?: { format_name?: string, duration?: string } }

const IMAGE_FORMAT = /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/
const ALPHA_PIX_FMT = /^(rgba|bgra|argb|abgr|ya|yuva|gbrap|pal8|rgba64|bgra64)/

/** Runs ffprobe on a file; InvalidMediaError when it is not media with a video or audio stream */
export async function probeMedia (path: string, init: ProbeInit = {}): Promise<MediaInfo> {
  init.signal?.throwIfAborted()
  const program = init.ffprobePath ?? DEFAULT_FFPROBE_PATH
  const text = await new Promise<string>((resolve, reject) => {
    execFile(program, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', path], {
      signal: init.signal, timeout: init.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL'
    }, (err, stdout, stderr) => {
      if (err == null) { resolve(stdout); return }
      if (init.signal?.aborted === true) { reject(init.signal.reason); return }
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && stderr === '') { reject(new FfmpegSpawnError(`cannot start ${program}: ${err.message}`)); return }
      const reason = stderr.trim().split('\n').slice(-3).join(' ').trim()
      reject(new InvalidMediaError(`not readable media: ${reason !== '' ? reason : err.message}`))
    })
  })
  return parseProbe(JSON.parse(text) as ProbeOutput)
}

function parseProbe (out: ProbeOutput): MediaInfo {
  const streams = out.streams ?? []
  const video = streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1)
  const audio = streams.find((s) => s.codec_type === 'audio')
  const format = out.format?.format_name ?? ''
  if (video == null && audio == null) {
    throw new InvalidMediaError(`not readable media: no video or audio stream (format "${format}")`)
  }
  const isImage = video != null && audio == null && IMAGE_FORMAT.test(format)
  const duration = isImage ? 0 : num(video?.duration) ?? num(out.format?.duration) ?? num(audio?.duration) ?? 0
  const info: MediaInfo = {
    kind: isImage ? 'image' : video != null ? 'video' : 'audio',
    format,
    duration,
    hasVideo: video != null,
    hasAudio: audio != null,
    hasAlpha: video?.pix_fmt != null && ALPHA_PIX_FMT.test(video.pix_fmt)
  }
  if (video != null) {
    if (video.width == null || video.height == null || video.width <= 0 || video.height <= 0) {
      throw new InvalidMediaError('not readable media: the video stream has no dimensions')
    }
    info.width = video.width
    info.height = video.height
    info.videoCodec = video.codec_name
    info.pixFmt = video.pix_fmt
    if (!isImage) info.fps = rate(video.avg_frame_rate) ?? rate(video.r_frame_rate)
  }
  if (audio != null) {
    info.audioCodec = audio.codec_name
    info.sampleRate = num(audio.sample_rate)
  }
  return info
}

function num (value: string | undefined): number | undefined {
  if (value == null) return undefined
  const n = Number(value)
  return Number.isFinite(n) ? n : undefined
}

function rate (value: string | undefined): number | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(value ?? '')
  if (match == null) return undefined
  const n = Number(match[1])
  const d = Number(match[2])
  return d > 0 && n > 0 ? n / d : undefined
}

import { join } from 'node:path'
import { sha3Hex, type CacheId } from '../util/index.js'
import { STILL_DURATION_S, STILL_FPS, X264_THREADS } from './constants.js'
import type { MediaInfo } from './probe.js'

/** What kind of file a step writes */
export type OutputKind = 'image' | 'video' | 'audio'

/** One ffmpeg invocation: the full argv (without the program) and where it writes */
export interface FfmpegCommand {
  args: string[]
  outputPath: string
  outputKind: OutputKind
  /** expected output duration in seconds (progress); 0 for an image */
  durationHint: number
}

/** A step input, probed */
export interface ProbedInput {
  path: string
  info: MediaInfo
}

export const GLOBAL_ARGS: readonly string[] = ['-hide_banner', '-nostdin', '-y', '-v', 'error']

/**
 * Reproducible output: no encoder/muxer version strings or timestamps, no copied metadata or chapters.
 * With x264 on a fixed thread count this makes the same command write the same bytes.
 */
export const BITEXACT_ARGS: readonly string[] = [
  '-fflags', '+bitexact', '-flags:v', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1', '-map_chapters', '-1'
]

/** Last filters before libx264/yuv420p: even size, square pixels */
export const VIDEO_FINISH = "scale='trunc(iw/2)*2':'trunc(ih/2)*2',setsar=1,format=yuv420p"

export function outputPathFor (workDir: string, kind: OutputKind): string {
  return join(workDir, kind === 'image' ? 'output.png' : kind === 'video' ? 'output.mp4' : 'output.m4a')
}

/** Input args; a still image that must become a clip is looped for `still` seconds at STILL_FPS */
export function inputArgs (input: ProbedInput, still?: { duration?: number, fps?: number }): string[] {
  if (input.info.kind === 'image' && still != null) {
    return ['-loop', '1', '-framerate', String(still.fps ?? STILL_FPS), '-t', String(still.duration ?? STILL_DURATION_S), '-i', input.path]
  }
  return ['-i', input.path]
}

export type AudioMode = 'none' | 'copy' | 'aac'

/** AAC audio is copied as is (lossless, deterministic); anything else is encoded to AAC */
export function audioModeFor (info: MediaInfo | undefined): AudioMode {
  if (info?.hasAudio !== true) return 'none'
  return info.audioCodec === 'aac' ? 'copy' : 'aac'
}

const AAC_ARGS = ['-c:a', 'aac', '-b:a', '192k']
const X264_ARGS = [
  '-c:v', 'libx264', '-preset', 'fast', '-crf', '18', '-profile:v', 'high', '-level:v', '4.1',
  '-pix_fmt', 'yuv420p', '-g', '48', '-threads:v', String(X264_THREADS)
]

/**
 * Output args after the maps: codecs, muxer flags, bitexact, the path. `copyVideo` copies an H.264
 * stream as is (it must be the only, unfiltered video stream).
 */
export function outputArgs (kind: OutputKind, audio: AudioMode, path: string, options: { copyVideo?: boolean } = {}): string[] {
  if (kind === 'image') return ['-frames:v', '1', '-update', '1', '-c:v', 'png', ...BITEXACT_ARGS, path]
  const audioArgs = audio === 'none' ? ['-an'] : audio === 'copy' ? ['-c:a', 'copy'] : AAC_ARGS
  if (kind === 'audio') return ['-vn', ...audioArgs, '-movflags', '+faststart', ...BITEXACT_ARGS, path]
  const videoArgs = options.copyVideo === true ? ['-c:v', 'copy'] : X264_ARGS
  return [...videoArgs, ...audioArgs, '-movflags', '+faststart', ...BITEXACT_ARGS, path]
}

/** true when a video stream can go into our MP4 unchanged */
export function canCopyVideo (info: MediaInfo): boolean {
  return info.kind === 'video' && info.videoCodec === 'h264' && info.pixFmt === 'yuv420p'
}

/** 31-bit seed from a cache id (ffmpeg seeds are int32 >= 0) */
export function seedFromCacheId (cacheId: CacheId | string): number {
  const hex = /^[0-9a-f]{64}$/.test(cacheId) ? cacheId : sha3Hex(cacheId)
  return Number.parseInt(hex.slice(0, 8), 16) & 0x7fffffff
}

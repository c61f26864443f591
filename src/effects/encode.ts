import { sha3Hex, type CacheId } from '../util/index.js'
import { STILL_DURATION_S, STILL_FPS } from './constants.js'
import type { MediaInfo } from './probe.js'

export type { Encoding } from './encoding.js'
export { encodingFor, DEFAULT_ENCODING } from './encoding.js'

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

/** 31-bit seed from a cache id (ffmpeg seeds are int32 >= 0) */
export function seedFromCacheId (cacheId: CacheId | string): number {
  const hex = /^[0-9a-f]{64}$/.test(cacheId) ? cacheId : sha3Hex(cacheId)
  return Number.parseInt(hex.slice(0, 8), 16) & 0x7fffffff
}

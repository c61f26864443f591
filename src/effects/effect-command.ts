import { STILL_DURATION_S, STILL_FPS } from './constants.js'
import {
  DEFAULT_ENCODING, GLOBAL_ARGS, audioModeFor, inputArgs, seedFromCacheId, type Encoding, type FfmpegCommand, type ProbedInput
} from './encode.js'
import { InvalidStepInputError } from './errors.js'
import { probeMedia } from './probe.js'
import type { EffectRegistry, RegisteredEffect } from './registry.js'
import { renderTemplate, type ResolvedParams } from './spec.js'

export interface EffectCommandInit {
  effect: RegisteredEffect
  /** validated params (EffectRegistry.resolveParams) */
  params: ResolvedParams
  input: ProbedInput
  workDir: string
  /** 31-bit seed (seedFromCacheId of the step) */
  seed: number
  /** how the result is written @default the default encoding (PNG / MP4) */
  encoding?: Encoding
}

/**
 * The exact ffmpeg argv of one EFFECT step, so a benchmark can run the identical command directly.
 * - image in: non-temporal -> PNG (alpha kept when the filters keep it); temporal -> a STILL_DURATION_S
 *   clip of the looped image (one frame cannot show strobe, echo...)
 * - video in: MP4 (H.264 yuv420p, audio copied when AAC else encoded to AAC, +faststart)
 */
export function buildEffectCommand (init: EffectCommandInit): FfmpegCommand {
  const { effect, input } = init
  const { spec } = effect
  const encoding = init.encoding ?? DEFAULT_ENCODING
  // a pass-through effect has a command only to re-encode its input as a run's output choice asks
  if (spec.passthrough === true && encoding.choice === undefined) throw new Error(`effect "${spec.name}" passes its input through: there is no command`)
  const { info } = input
  if (!info.hasVideo || info.width == null || info.height == null) {
    throw new InvalidStepInputError(`effect "${spec.name}" needs a picture, but its input is ${info.kind}-only`)
  }
  const still = info.kind === 'image'
  const kind = still && !spec.temporal ? 'image' : 'video'
  const args = [...GLOBAL_ARGS, ...inputArgs(input, still && spec.temporal ? { duration: STILL_DURATION_S, fps: STILL_FPS } : undefined)]

  const assetFiles = spec.assets ?? []
  for (const file of assetFiles) {
    const path = effect.assets[file]
    if (path == null) throw new Error(`effect "${spec.name}": asset ${file} was not loaded`)
    args.push('-i', path)
  }

  let graph = spec.passthrough === true ? 'null' : renderTemplate(spec, init.params, { width: info.width, height: info.height, seed: init.seed })
  if (!graph.includes('[in]')) graph = `[in]${graph}[out]`
  graph = graph.replaceAll('[in]', '[0:v]')
  assetFiles.forEach((file, i) => { graph = graph.replaceAll(`[asset:${file}]`, `[${i + 1}:v]`) })
  graph = kind === 'video' ? graph.replace('[out]', `[fx];[fx]${encoding.videoFinish}[vout]`) : graph.replace('[out]', `[fx];[fx]${encoding.imageFinish}[vout]`)

  const outputPath = encoding.outputPath(init.workDir, kind)
  const audio = kind === 'video' ? audioModeFor(info) : 'none'
  args.push('-filter_complex', graph, '-map', '[vout]')
  if (audio !== 'none') args.push('-map', '0:a:0')
  args.push(...encoding.outputArgs(kind, audio, outputPath))
  return { args, outputPath, outputKind: kind, durationHint: kind === 'image' ? 0 : still ? STILL_DURATION_S : info.duration }
}

export interface PrepareEffectCommandInit {
  workDir: string
  /** the step's cache id (the seed is derived from it, as the executor does) or a seed */
  cacheId?: string
  seed?: number
  signal?: AbortSignal
  ffprobePath?: string
}

/**
 * Probe + validate + build: the command the executor would run for `effect(params)` on a file
 * (for benchmarks that compare an EFFECT step with the same ffmpeg command run directly).
 * Returns undefined for a pass-through effect (identity), which runs nothing.
 */
export async function prepareEffectCommand (
  registry: EffectRegistry, name: string, params: unknown, inputPath: string, init: PrepareEffectCommandInit
): Promise<FfmpegCommand | undefined> {
  const effect = registry.require(name)
  const resolved = registry.resolveParams(name, params)
  if (effect.spec.passthrough === true) return undefined
  const info = await probeMedia(inputPath, { signal: init.signal, ffprobePath: init.ffprobePath })
  const seed = init.seed ?? (init.cacheId != null ? seedFromCacheId(init.cacheId) : 0)
  return buildEffectCommand({ effect, params: resolved, input: { path: inputPath, info }, workDir: init.workDir, seed })
}

import { DEFAULT_ENERGY_WINDOW_S, DEFAULT_SCENE_THRESHOLD } from './constants.js'
import { InvalidAnalysisOptionError } from './errors.js'
import { probeMedia, type MediaInfo } from './probe.js'
import { runFfmpeg } from './runner.js'

export const ANALYSIS_FEATURES = ['scenes', 'energy'] as const
export type AnalysisFeature = typeof ANALYSIS_FEATURES[number]

export interface AnalyzeInit {
  signal?: AbortSignal
  /** optional features on top of the metadata @default [] */
  features?: readonly AnalysisFeature[]
  /** scene-change score threshold 0..1 @default DEFAULT_SCENE_THRESHOLD (0.3) */
  sceneThreshold?: number
  /** seconds per energy value @default DEFAULT_ENERGY_WINDOW_S (0.5) */
  energyWindow?: number
  ffmpegPath?: string
  ffprobePath?: string
  timeoutMs?: number
}

/** One window of the audio energy curve */
export interface EnergyPoint {
  /** start of the window, seconds */
  time: number
  /** RMS level in dBFS (-Infinity for digital silence) */
  rmsDb: number
  /** the same as a linear amplitude 0..1 */
  rms: number
}

export interface MediaAnalysis {
  info: MediaInfo
  /** times (s) where the picture changes abruptly; [] for stills and sound */
  scenes?: number[]
  /** RMS per window; [] when there is no audio */
  energy?: { window: number, points: EnergyPoint[] }
}

/**
 * Metadata (ffprobe) plus optional scene changes (`select='gt(scene,t)',showinfo`) and audio energy
 * (`astats` per window). A pure function of the file: the caller caches it by CID.
 */
export async function analyzeMedia (path: string, init: AnalyzeInit = {}): Promise<MediaAnalysis> {
  init.signal?.throwIfAborted()
  const features = new Set(init.features ?? [])
  for (const feature of features) {
    if (!(ANALYSIS_FEATURES as readonly string[]).includes(feature)) {
      throw new InvalidAnalysisOptionError(`unknown analysis feature "${feature}" (known: ${ANALYSIS_FEATURES.join(', ')})`)
    }
  }
  const threshold = init.sceneThreshold ?? DEFAULT_SCENE_THRESHOLD
  if (!(threshold > 0 && threshold < 1)) throw new InvalidAnalysisOptionError(`sceneThreshold must be between 0 and 1 (exclusive), got ${threshold}`)
  const window = init.energyWindow ?? DEFAULT_ENERGY_WINDOW_S
  if (!(window >= 0.01 && window <= 60)) throw new InvalidAnalysisOptionError(`energyWindow must be between 0.01 and 60 seconds, got ${window}`)

  const info = await probeMedia(path, { signal: init.signal, ffprobePath: init.ffprobePath })
  const result: MediaAnalysis = { info }
  const run = { signal: init.signal, ffmpegPath: init.ffmpegPath, timeoutMs: init.timeoutMs }
  await Promise.all([
    features.has('scenes') && (async () => {
      result.scenes = info.kind === 'video' ? await detectScenes(path, threshold, run) : []
    })(),
    features.has('energy') && (async () => {
      result.energy = { window, points: info.hasAudio ? await audioEnergy(path, window, info.sampleRate ?? 48_000, run) : [] }
    })()
  ])
  return result
}

type RunOptions = { signal?: AbortSignal, ffmpegPath?: string, timeoutMs?: number }

async function detectScenes (path: string, threshold: number, run: RunOptions): Promise<number[]> {
  const times: number[] = []
  await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-map', '0:v:0', '-an',
    '-vf', `select='gt(scene,${threshold})',showinfo`, '-f', 'null', '-'], {
    ...run,
    onStderrLine: (line) => {
      const match = /Parsed_showinfo.*\bpts_time:\s*(-?[\d.]+)/.exec(line)
      if (match?.[1] != null) times.push(Number(match[1]))
    }
  })
  return times
}

async function audioEnergy (path: string, window: number, sampleRate: number, run: RunOptions): Promise<EnergyPoint[]> {
  const points: EnergyPoint[] = []
  let time: number | undefined
  const samples = Math.max(1, Math.round(sampleRate * window))
  await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'info', '-i', path, '-map', '0:a:0', '-vn',
    '-af', `asetnsamples=n=${samples}:p=0,astats=metadata=1:reset=1,ametadata=mode=print:key=lavfi.astats.Overall.RMS_level`,
    '-f', 'null', '-'], {
    ...run,
    onStderrLine: (line) => {
      if (!line.includes('Parsed_ametadata')) return
      const t = /\bpts_time:\s*(-?[\d.]+)/.exec(line)
      if (t?.[1] != null) { time = Number(t[1]); return }
      const level = /lavfi\.astats\.Overall\.RMS_level=(\S+)/.exec(line)
      if (level?.[1] != null && time != null) {
        const db = level[1] === '-inf' ? -Infinity : Number(level[1])
        points.push({ time, rmsDb: db, rms: db === -Infinity ? 0 : Math.pow(10, db / 20) })
      }
    }
  })
  return points
}

import { stat } from 'node:fs/promises'
import type { Logger } from '../util/index.js'
import { encodingFor, seedFromCacheId, type ProbedInput } from './encode.js'
import { InvalidMediaError, InvalidStepInputError, UnsupportedStepError } from './errors.js'
import { buildAudioMix } from './primitives/audio-mix.js'
import { buildBlend } from './primitives/blend.js'
import type { PrimitiveBuilder } from './primitives/context.js'
import { buildEffect } from './primitives/effect.js'
import { buildLayer } from './primitives/layer.js'
import { buildMux } from './primitives/mux.js'
import { buildResize } from './primitives/resize.js'
import { buildSegment } from './primitives/segment.js'
import { buildSequence } from './primitives/sequence.js'
import { buildTransform } from './primitives/transform.js'
import { probeMedia, type MediaInfo } from './probe.js'
import { createEffectRegistry, type EffectRegistry } from './registry.js'
import { runFfmpeg } from './runner.js'
import type { MediaFile, StepExecutionInit, StepExecutor, StepOutput, StepSpec } from './types.js'

export interface StepExecutorInit {
  /** @default createEffectRegistry() */
  registry?: EffectRegistry
  /** @default 'ffmpeg' */
  ffmpegPath?: string
  /** @default 'ffprobe' */
  ffprobePath?: string
  /** per-step ffmpeg timeout @default DEFAULT_FFMPEG_TIMEOUT_MS */
  timeoutMs?: number
  logger?: Logger
}

/** How each step type runs, and how many inputs it takes [min, max] */
const PRIMITIVES: Record<string, { build: PrimitiveBuilder, arity: [number, number] }> = {
  SEGMENT: { build: buildSegment, arity: [1, 1] },
  RESIZE: { build: buildResize, arity: [1, 1] },
  TRANSFORM: { build: buildTransform, arity: [1, 1] },
  EFFECT: { build: buildEffect, arity: [1, 1] },
  SEQUENCE: { build: buildSequence, arity: [1, Infinity] },
  LAYER: { build: buildLayer, arity: [1, Infinity] },
  MUX: { build: buildMux, arity: [2, Infinity] },
  BLEND: { build: buildBlend, arity: [2, 2] },
  AUDIO_MIX: { build: buildAudioMix, arity: [2, Infinity] }
}

/** probe results kept per executor (an unchanged file probes the same) */
const PROBE_CACHE_SIZE = 64

class FfmpegStepExecutor implements StepExecutor {
  private readonly registry: EffectRegistry
  private readonly probes = new Map<string, MediaInfo>()

  constructor (private readonly init: StepExecutorInit) {
    this.registry = init.registry ?? createEffectRegistry()
  }

  /**
   * 0 for an identity EFFECT step that would succeed (known effect, same version and hash, valid params);
   * undefined otherwise, so execute() still reports a bad step with its proper error
   */
  passthroughInput (step: StepSpec): number | undefined {
    // a run's output choice re-encodes even what would pass through
    if (step.type !== 'EFFECT' || step.effect == null || step.config.output !== undefined) return undefined
    const def = this.registry.get(step.effect.name)
    if (def == null || def.version !== step.effect.version || def.hash !== step.effect.hash) return undefined
    if (this.registry.require(step.effect.name).spec.passthrough !== true) return undefined
    try {
      this.registry.resolveParams(step.effect.name, step.config.params ?? {})
    } catch {
      return undefined
    }
    return 0
  }

  async execute (step: StepSpec, inputs: MediaFile[], init: StepExecutionInit): Promise<StepOutput> {
    try {
      return await this.executeIn(step, inputs, init)
    } catch (err) {
      // the node's temp paths mean nothing to whoever reads the run's error: name the inputs instead
      throw withoutPaths(err, [...inputs.map((input, i): [string, string] => [input.path, `input ${i}`]), [init.workDir, '<step dir>']])
    }
  }

  private async executeIn (step: StepSpec, inputs: MediaFile[], init: StepExecutionInit): Promise<StepOutput> {
    init.signal?.throwIfAborted()
    if (step.type === 'SOURCE') {
      throw new UnsupportedStepError(`SOURCE step "${step.id}" is not executed: its output is the content it names (the orchestrator resolves it)`)
    }
    const primitive = PRIMITIVES[step.type]
    if (primitive == null) {
      throw new UnsupportedStepError(`step "${step.id}" has type "${step.type}", which this executor does not run (known: ${Object.keys(PRIMITIVES).join(', ')})`)
    }
    const [min, max] = primitive.arity
    if (inputs.length < min || inputs.length > max) {
      const wanted = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`
      throw new InvalidStepInputError(`${step.type} step "${step.id}" takes ${wanted} input${min === 1 && max === 1 ? '' : 's'}, got ${inputs.length}`)
    }
    // a pass-through effect (identity) returns its input's bytes as they are: nothing to probe or run
    const passthrough = this.passthroughInput(step)
    if (passthrough != null) return { kind: 'input', index: passthrough }
    const probed: ProbedInput[] = await Promise.all(inputs.map(async (input, i) => {
      try {
        return { path: input.path, info: await this.probe(input, init.signal) }
      } catch (err) {
        if (err instanceof InvalidMediaError) throw new InvalidMediaError(`${step.type} step "${step.id}" input ${i} (${input.cid}): ${err.message}`)
        throw err
      }
    }))
    const plan = primitive.build({ step, inputs: probed, workDir: init.workDir, seed: seedFromCacheId(step.cacheId), registry: this.registry, encoding: encodingFor(step.config) })
    if (!('args' in plan)) return plan
    const started = Date.now()
    await runFfmpeg(plan.args, {
      signal: init.signal,
      timeoutMs: this.init.timeoutMs,
      ffmpegPath: this.init.ffmpegPath,
      durationHint: plan.durationHint,
      onProgress: init.onProgress
    })
    this.init.logger?.debug({ step: step.id, type: step.type, ms: Date.now() - started, output: plan.outputKind }, 'step rendered')
    return { kind: 'file', path: plan.outputPath }
  }

  /**
   * ffprobe, memoised by CID (content-addressed: the same bytes probe the same, whatever temp file
   * holds them, so a step on an input seen before skips the probe) and on path + inode + size + mtime
   * for files without one
   */
  private async probe (input: MediaFile, signal?: AbortSignal): Promise<MediaInfo> {
    const byCid = (input.cid as string) !== '' ? `cid\0${input.cid}` : undefined
    let key = byCid
    if (key == null) {
      const s = await stat(input.path).catch(() => undefined)
      key = s == null ? undefined : `${input.path}\0${s.ino}\0${s.size}\0${s.mtimeMs}`
    }
    const known = key == null ? undefined : this.probes.get(key)
    if (known != null) return known
    const info = await probeMedia(input.path, { signal, ffprobePath: this.init.ffprobePath })
    if (key != null) {
      this.probes.set(key, info)
      if (this.probes.size > PROBE_CACHE_SIZE) this.probes.delete(this.probes.keys().next().value!)
    }
    return info
  }
}

/**
 * The step executor on ffmpeg: every primitive except SOURCE (which is never executed), and EFFECT
 * with the registry's effects. Inputs are probed first (InvalidMediaError for anything not media);
 * the output is a PNG for stills, an MP4 for clips, an M4A for sound only.
 */
export function createStepExecutor (init: StepExecutorInit = {}): StepExecutor {
  return new FfmpegStepExecutor(init)
}

/** the error with every listed path in its message (and ffmpeg's stderr tail) replaced by its name */
function withoutPaths (err: unknown, names: Array<[string, string]>): unknown {
  // an abort's DOMException has a read-only message (and no paths in it)
  if (!(err instanceof Error) || Object.getOwnPropertyDescriptor(err, 'message')?.writable !== true) return err
  const scrub = (text: string): string => names.reduce((t, [path, name]) => path === '' ? t : t.split(path).join(name), text)
  err.message = scrub(err.message)
  const tail = (err as { stderrTail?: unknown }).stderrTail
  if (Array.isArray(tail)) tail.forEach((line, i) => { if (typeof line === 'string') tail[i] = scrub(line) })
  return err
}

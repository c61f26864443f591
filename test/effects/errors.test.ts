import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createEffectRegistry, createStepExecutor, FfmpegError, InvalidMediaError, type StepSpec
} from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { cidOf, media, stepOf, workDir } from './helpers.js'

const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
let m: TestMedia
beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

async function failure (step: StepSpec, inputs: string[]): Promise<Error & { deterministic?: boolean }> {
  const dir = await workDir(m.dir, 'err')
  const err = await executor.execute(step, media(...inputs), { workDir: dir }).then(() => undefined, (e: unknown) => e)
  if (!(err instanceof Error)) throw new Error('expected the step to fail')
  return err
}

function effect (name: string, params: unknown): StepSpec {
  return stepOf('EFFECT', { effect: name, params })
}

describe('step executor errors', () => {
  it('should refuse SOURCE steps and unknown step types', async () => {
    const source = await failure(stepOf('SOURCE', { input: true }), [])
    expect([source.name, source.message]).toEqual(['UnsupportedStepError', 'SOURCE step "source-1" is not executed: its output is the content it names (the orchestrator resolves it)'])
    const other = await failure(stepOf('SWITCH'), [m.image])
    expect(other.message).toBe('step "switch-1" has type "SWITCH", which this executor does not run (known: SEGMENT, RESIZE, TRANSFORM, EFFECT, SEQUENCE, LAYER, MUX, BLEND, AUDIO_MIX)')
  })

  it('should abort when passed an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort(new Error('cancelled by the run'))
    await expect(executor.execute(effect('invert', {}), media(m.image), { workDir: m.dir, signal: controller.signal })).rejects.toThrow('cancelled by the run')
  })

  it('should kill the render when aborted mid-run', async () => {
    const controller = new AbortController()
    const dir = await workDir(m.dir, 'abort')
    const pending = executor.execute(stepOf('SEGMENT', { duration: 600 }), media(m.image), { workDir: dir, signal: controller.signal })
    setTimeout(() => { controller.abort() }, 1_500)
    const started = Date.now()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(Date.now() - started).toBeLessThan(6_000)
  })

  it('should fail with a deterministic InvalidMediaError for input that is not media', async () => {
    const err = await failure(effect('invert', {}), [m.notMedia])
    expect(err).toBeInstanceOf(InvalidMediaError)
    expect(err.deterministic).toBe(true)
    expect(err.message).toMatch(new RegExp(`^EFFECT step "effect-1" input 0 \\(${cidOf(m.notMedia)}\\): not readable media: .*Invalid data found when processing input$`))
    // the node's temp paths stay on the node
    expect(err.message).not.toContain(m.dir)
  })

  it('should name the problem for every bad effect param', async () => {
    const cases: Array<[StepSpec, string]> = [
      [effect('nosuch', {}), 'unknown effect "nosuch" (known: '],
      [effect('invert', { intensity: 2 }), 'effect "invert": param "intensity" must be between 0 and 1, got 2'],
      [effect('invert', { intensity: 'lots' }), 'effect "invert": param "intensity" must be a number, got "lots"'],
      [effect('invert', { amount: 1 }), 'effect "invert": unknown param "amount" (known: intensity)'],
      [effect('grayscale', { amount: 1 }), 'effect "grayscale": unknown param "amount" (it takes no params)'],
      [effect('posterize', { levels: 2.5 }), 'effect "posterize": param "levels" must be an integer, got 2.5'],
      [effect('flip', { direction: 'sideways' }), 'effect "flip": param "direction" must be one of horizontal, vertical, both, got "sideways"'],
      [effect('rotate', { fill: 'red;drawtext' }), 'effect "rotate": param "fill" must be a colour: a name like black or orange, #rrggbb or 0xrrggbb (#rrggbbaa with alpha), got "red;drawtext"'],
      [effect('edge_detect', { low: 0.5, high: 0.2 }), 'effect "edge_detect": parameter "low" (0.5) must not be above parameter "high" (0.2)'],
      [effect('invert', [1]), 'effect "invert": params must be an object, got [1]'],
      [stepOf('EFFECT', {}), 'EFFECT step "effect-1" names no effect (step.effect.name or config.effect), got nothing'],
      [stepOf('EFFECT', { effect: 'invert', intensity: -1 }), 'effect "invert": param "intensity" must be between 0 and 1, got -1']
    ]
    for (const [step, message] of cases) {
      const err = await failure(step, [m.image])
      expect(err.deterministic).toBe(true)
      if (message.endsWith('(known: ')) expect(err.message.startsWith(message)).toBe(true)
      else expect(err.message).toBe(message)
    }
  })

  it('should refuse an effect planned with another definition hash', async () => {
    const step = stepOf('EFFECT', { effect: 'invert', params: {} }, { name: 'invert', version: '0.9.0', hash: 'a'.repeat(64) })
    const err = await failure(step, [m.image])
    expect(err.name).toBe('EffectMismatchError')
    expect(err.message).toBe(`effect "invert" of step "effect-1" was planned as version 0.9.0 (hash aaaaaaaaaaaa), but this worker has version 2.0.0 (hash ${registry.get('invert')!.hash.slice(0, 12)})`)
  })

  it('should name the problem for bad primitive configs and inputs', async () => {
    const cases: Array<[StepSpec, string[], string, string]> = [
      [stepOf('SEGMENT', { offset: 5 }), [m.clip], 'InvalidStepConfigError', 'SEGMENT config.offset 5 s is at or past the end of the input (1 s)'],
      [stepOf('SEGMENT', { offset: -1 }), [m.clip], 'InvalidStepConfigError', 'SEGMENT config.offset must be between 0 and inf, got -1'],
      [stepOf('SEGMENT', { duration: 0 }), [m.clip], 'InvalidStepConfigError', 'SEGMENT config.duration must be greater than 0, got 0'],
      [stepOf('RESIZE', { height: 10 }), [m.image], 'InvalidStepConfigError', 'RESIZE config.width is required, got nothing'],
      [stepOf('RESIZE', { width: 10, height: 10, mode: 'squash' }), [m.image], 'InvalidStepConfigError', 'RESIZE config.mode must be one of fit, fill, stretch, pad, got "squash"'],
      [stepOf('RESIZE', { width: 10, height: 10 }), [m.audio], 'InvalidStepInputError', 'RESIZE needs a picture, but its input is audio-only'],
      [stepOf('TRANSFORM', { effects: { wobble: 1 } }), [m.image], 'InvalidStepConfigError', 'TRANSFORM config.effects.wobble is not an adjustment (known: saturation, contrast, brightness, gamma, hue, blur, sharpen, speed)'],
      [stepOf('TRANSFORM', { effects: { speed: 9 } }), [m.clip], 'InvalidStepConfigError', 'TRANSFORM config.effects.speed must be between 0.25 and 4, got 9'],
      [stepOf('SEQUENCE', { transition: { type: 'wipe' } }), [m.clip], 'InvalidStepConfigError', 'SEQUENCE config.transition.type must be one of cut, crossfade, fade, got "wipe"'],
      [stepOf('SEQUENCE', { transition: { type: 'crossfade', duration: 1.5 } }), [m.clip, m.clip], 'InvalidStepConfigError', 'SEQUENCE config.transition.duration 1.5 s is too long for input 0 (1 s)'],
      [stepOf('SEQUENCE', {}), [m.clip, m.audio], 'InvalidStepInputError', 'SEQUENCE input 1 is audio-only; a sequence needs pictures'],
      [stepOf('LAYER', { inputs: [{}, { opacity: 3 }] }), [m.image, m.image], 'InvalidStepConfigError', 'LAYER config.inputs[1].opacity must be between 0 and 1, got 3'],
      [stepOf('MUX', {}), [m.clip, m.silentClip], 'InvalidStepInputError', 'MUX input 1 (audio_stream) has no audio stream'],
      [stepOf('MUX', { audio_stream: 4 }), [m.clip, m.audio], 'InvalidStepConfigError', 'MUX config.audio_stream 4 names no input (the step has 2)'],
      [stepOf('BLEND', { mode: 'burn' }), [m.image, m.image], 'InvalidStepConfigError', 'BLEND config.mode must be one of multiply, screen, overlay, add, subtract, average, difference, lighten, darken, got "burn"'],
      [stepOf('BLEND', {}), [m.image], 'InvalidStepInputError', 'BLEND step "blend-1" takes 2 inputs, got 1'],
      [stepOf('AUDIO_MIX', { gains: [1] }), [m.clip, m.audio], 'InvalidStepConfigError', 'AUDIO_MIX config.gains must be a list of 2 numbers (one per input), got [1]'],
      [stepOf('AUDIO_MIX', {}), [m.clip, m.silentClip], 'InvalidStepInputError', 'AUDIO_MIX input 1 has no audio stream'],
      [stepOf('EFFECT', { effect: 'invert' }), [m.image, m.image], 'InvalidStepInputError', 'EFFECT step "effect-1" takes 1 input, got 2'],
      [stepOf('EFFECT', { effect: 'invert' }), [m.audio], 'InvalidStepInputError', 'effect "invert" needs a picture, but its input is audio-only']
    ]
    for (const [step, inputs, name, message] of cases) {
      const err = await failure(step, inputs)
      expect({ name: err.name, message: err.message, deterministic: err.deterministic }).toEqual({ name, message, deterministic: true })
    }
  }, 60_000)

  it('should refuse a colour name ffmpeg does not know before running it, naming the field', async () => {
    // the runner's own tests cover ffmpeg's stderr in errors; a misspelt colour no longer reaches ffmpeg
    const err = await failure(stepOf('RESIZE', { width: 100, height: 100, mode: 'fit', background: 'nosuchcolour' }), [m.image])
    expect(err).not.toBeInstanceOf(FfmpegError)
    expect({ name: err.name, message: err.message }).toEqual({
      name: 'InvalidStepConfigError',
      message: 'RESIZE config.background must be a colour: a name like black or orange, #rrggbb or 0xrrggbb (#rrggbbaa with alpha), got "nosuchcolour"'
    })
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEffectRegistry, createStepExecutor, probeMedia, type MediaInfo } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { inParallel, media, PARALLEL, SLOW_TEST_TIMEOUT_MS, stepOf, workDir } from './helpers.js'

const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
let m: TestMedia

beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

interface Expect { kind: MediaInfo['kind'], width?: number, height?: number, duration?: number, audio: boolean }
interface Case { name: string, type: string, config: Record<string, unknown>, inputs: () => string[], want: Expect }

const BLEND_MODES = ['multiply', 'screen', 'overlay', 'add', 'subtract', 'average', 'difference', 'lighten', 'darken']

const CASES: Case[] = [
  { name: 'SEGMENT of a clip', type: 'SEGMENT', config: { offset: 0.2, duration: 0.5 }, inputs: () => [m.clip], want: { kind: 'video', width: 160, height: 120, duration: 0.5, audio: true } },
  { name: 'SEGMENT of a still', type: 'SEGMENT', config: { duration: 1 }, inputs: () => [m.image], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: false } },
  { name: 'SEGMENT of sound', type: 'SEGMENT', config: { offset: 0.5 }, inputs: () => [m.audio], want: { kind: 'audio', duration: 0.5, audio: true } },
  { name: 'RESIZE fit of a still', type: 'RESIZE', config: { width: 100, height: 100, mode: 'fit', background: '#ff0000' }, inputs: () => [m.image], want: { kind: 'image', width: 100, height: 100, audio: false } },
  { name: 'RESIZE fill of a still', type: 'RESIZE', config: { width: 64, height: 96, mode: 'fill' }, inputs: () => [m.image], want: { kind: 'image', width: 64, height: 96, audio: false } },
  { name: 'RESIZE stretch of a clip', type: 'RESIZE', config: { width: 200, height: 100, mode: 'stretch' }, inputs: () => [m.clip], want: { kind: 'video', width: 200, height: 100, duration: 1, audio: true } },
  { name: 'RESIZE pad of a clip', type: 'RESIZE', config: { width: 320, height: 240, mode: 'pad' }, inputs: () => [m.silentClip], want: { kind: 'video', width: 320, height: 240, duration: 1, audio: false } },
  { name: 'TRANSFORM of a still', type: 'TRANSFORM', config: { effects: { saturation: 1.5, contrast: 1.2, brightness: 0.1, gamma: 1.1, hue: 30, blur: 1, sharpen: 1 } }, inputs: () => [m.image], want: { kind: 'image', width: 160, height: 120, audio: false } },
  { name: 'TRANSFORM speed of a clip', type: 'TRANSFORM', config: { effects: { speed: 2, contrast: 1.2 } }, inputs: () => [m.clip], want: { kind: 'video', width: 160, height: 120, duration: 0.5, audio: true } },
  { name: 'SEQUENCE cut of clips with and without audio and a still', type: 'SEQUENCE', config: { transition: { type: 'cut' } }, inputs: () => [m.clip, m.silentClip, m.image], want: { kind: 'video', width: 160, height: 120, duration: 4, audio: true } },
  { name: 'SEQUENCE crossfade with audio', type: 'SEQUENCE', config: { transition: { type: 'crossfade', duration: 0.3 } }, inputs: () => [m.clip, m.silentClip, m.clip], want: { kind: 'video', width: 160, height: 120, duration: 2.4, audio: true } },
  { name: 'SEQUENCE crossfade without audio', type: 'SEQUENCE', config: { transition: { type: 'crossfade', duration: 0.5 } }, inputs: () => [m.silentClip, m.silentClip], want: { kind: 'video', width: 160, height: 120, duration: 1.5, audio: false } },
  { name: 'SEQUENCE fade to an explicit size', type: 'SEQUENCE', config: { transition: { type: 'fade', duration: 0.2 }, target_size: 'explicit', width: 96, height: 64 }, inputs: () => [m.silentClip, m.image], want: { kind: 'video', width: 96, height: 64, duration: 3, audio: false } },
  { name: 'LAYER of a still on a clip', type: 'LAYER', config: { inputs: [{}, { position: [10, 10], opacity: 0.8, scale: 0.5 }] }, inputs: () => [m.clip, m.image], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: true } },
  { name: 'LAYER of stills', type: 'LAYER', config: { inputs: [{}, { position: [80, 60], scale: 0.25 }] }, inputs: () => [m.image, m.image], want: { kind: 'image', width: 160, height: 120, audio: false } },
  { name: 'MUX of a silent clip and sound', type: 'MUX', config: {}, inputs: () => [m.silentClip, m.audio], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: true } },
  { name: 'MUX of a still and sound', type: 'MUX', config: { video_stream: 1, audio_stream: 0 }, inputs: () => [m.audio, m.image], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: true } },
  ...BLEND_MODES.map((mode): Case => ({ name: `BLEND ${mode} of stills`, type: 'BLEND', config: { mode, opacity: 0.7 }, inputs: () => [m.image, m.image], want: { kind: 'image', width: 160, height: 120, audio: false } })),
  { name: 'BLEND of a clip and a still', type: 'BLEND', config: { mode: 'screen' }, inputs: () => [m.clip, m.image], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: true } },
  { name: 'AUDIO_MIX onto a clip', type: 'AUDIO_MIX', config: { gains: [1, 0.5], normalize: false }, inputs: () => [m.clip, m.audio], want: { kind: 'video', width: 160, height: 120, duration: 1, audio: true } },
  { name: 'AUDIO_MIX of sounds', type: 'AUDIO_MIX', config: {}, inputs: () => [m.audio, m.audio, m.audio], want: { kind: 'audio', duration: 1, audio: true } }
]

describe('step executor primitives', () => {
  it('should render every primitive case with the right kind, size and duration', async () => {
    const failures: string[] = []
    await inParallel(PARALLEL, CASES.map((c) => async () => {
      try {
        const dir = await workDir(m.dir, c.type)
        const out = await executor.execute(stepOf(c.type, c.config), media(...c.inputs()), { workDir: dir })
        if (out.kind !== 'file') throw new Error(`returned ${JSON.stringify(out)}`)
        const info = await probeMedia(out.path)
        const got: Expect = { kind: info.kind, audio: info.hasAudio }
        if (c.want.width != null) Object.assign(got, { width: info.width, height: info.height })
        if (c.want.duration != null) got.duration = Math.abs(info.duration - c.want.duration) <= 0.12 ? c.want.duration : info.duration
        expect(got).toEqual(c.want)
        if (info.kind === 'video') expect([info.videoCodec, info.pixFmt]).toEqual(['h264', 'yuv420p'])
        if (info.hasAudio && info.kind !== 'image') expect(info.audioCodec).toBe('aac')
      } catch (err) {
        failures.push(`${c.name}: ${(err as Error).message}`)
      }
    }))
    expect(failures).toEqual([])
  }, SLOW_TEST_TIMEOUT_MS)

  it('should return input 0 for TRANSFORM without adjustments and for the identity effect', async () => {
    const dir = await workDir(m.dir, 'passthrough')
    await expect(executor.execute(stepOf('TRANSFORM', { effects: {} }), media(m.clip), { workDir: dir })).resolves.toEqual({ kind: 'input', index: 0 })
    await expect(executor.execute(stepOf('TRANSFORM', { effects: { speed: 2 } }), media(m.image), { workDir: dir })).resolves.toEqual({ kind: 'input', index: 0 })
    await expect(executor.execute(stepOf('EFFECT', { effect: 'identity', params: {} }), media(m.image), { workDir: dir })).resolves.toEqual({ kind: 'input', index: 0 })
  })

  it('should tell which steps pass their input through without looking at it', () => {
    const def = registry.get('identity')!
    const pinned = { name: 'identity', version: def.version, hash: def.hash }
    expect(executor.passthroughInput!(stepOf('EFFECT', { effect: 'identity', params: {} }, pinned))).toBe(0)
    expect(executor.passthroughInput!(stepOf('EFFECT', { effect: 'identity', params: { x: 1 } }, pinned))).toBeUndefined()
    expect(executor.passthroughInput!(stepOf('EFFECT', { effect: 'identity', params: {} }, { ...pinned, hash: 'b'.repeat(64) }))).toBeUndefined()
    const invert = registry.get('invert')!
    expect(executor.passthroughInput!(stepOf('EFFECT', { effect: 'invert', params: {} }, { name: 'invert', version: invert.version, hash: invert.hash }))).toBeUndefined()
  })

  it('should report progress from 0 to 1 while rendering a clip', async () => {
    const dir = await workDir(m.dir, 'progress')
    const seen: number[] = []
    await executor.execute(stepOf('SEQUENCE', {}), media(m.silentClip, m.silentClip), { workDir: dir, onProgress: (f) => { seen.push(f) } })
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.at(-1)).toBe(1)
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true)
  })
})

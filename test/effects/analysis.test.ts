import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { analyzeMedia, InvalidAnalysisOptionError, InvalidMediaError, runFfmpeg } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'

let m: TestMedia
let cut: string

beforeAll(async () => {
  m = await makeTestMedia()
  // 1 s red + silence, then 1 s blue + a loud tone: one scene change and one jump in energy, at 1 s
  cut = join(m.dir, 'cut.mp4')
  await runFfmpeg(['-hide_banner', '-nostdin', '-y', '-v', 'error',
    '-f', 'lavfi', '-i', 'color=red:size=160x120:rate=25:duration=1',
    '-f', 'lavfi', '-i', 'color=blue:size=160x120:rate=25:duration=1',
    '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono:d=1',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1',
    '-filter_complex', '[0:v][2:a][1:v][3:a]concat=n=2:v=1:a=1[v][a]', '-map', '[v]', '-map', '[a]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', cut])
})
afterAll(async () => { await m.cleanup() })

describe('analyzeMedia', () => {
  it('should report metadata of a clip, a still and a sound', async () => {
    const [clip, image, audio] = await Promise.all([analyzeMedia(m.clip), analyzeMedia(m.image), analyzeMedia(m.audio)])
    expect(clip.info).toMatchObject({ kind: 'video', width: 160, height: 120, fps: 25, videoCodec: 'h264', audioCodec: 'aac', hasAudio: true })
    expect(clip.info.duration).toBeCloseTo(1, 1)
    expect(image.info).toMatchObject({ kind: 'image', width: 160, height: 120, duration: 0, videoCodec: 'png', hasAudio: false })
    expect(audio.info).toMatchObject({ kind: 'audio', hasVideo: false, hasAudio: true, audioCodec: 'aac', sampleRate: 48000 })
    expect(clip.scenes).toBeUndefined()
  })

  it('should find the scene change and the energy jump of a cut', async () => {
    const result = await analyzeMedia(cut, { features: ['scenes', 'energy'], energyWindow: 0.25 })
    expect(result.scenes).toHaveLength(1)
    expect(result.scenes![0]).toBeCloseTo(1, 1)
    const points = result.energy!.points
    expect(points.length).toBeGreaterThanOrEqual(7)
    const quiet = points.filter((p) => p.time < 0.9)
    const loud = points.filter((p) => p.time >= 1.1 && p.time < 1.9)
    expect(quiet.every((p) => p.rms < 0.01)).toBe(true)
    expect(loud.length).toBeGreaterThanOrEqual(3)
    // sine at ffmpeg's default amplitude 1/8: RMS = 0.125 / sqrt(2) = 0.088 = -21 dBFS
    expect(loud.map((p) => Math.round(p.rmsDb))).toEqual(loud.map(() => -21))
  })

  it('should return empty features for media without pictures or sound', async () => {
    const result = await analyzeMedia(m.image, { features: ['scenes', 'energy'] })
    expect(result.scenes).toEqual([])
    expect(result.energy).toEqual({ window: 0.5, points: [] })
  })

  it('should abort when passed an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort(new Error('no analysis today'))
    await expect(analyzeMedia(cut, { signal: controller.signal, features: ['scenes'] })).rejects.toThrow('no analysis today')
  })

  it('should name bad options and bad media', async () => {
    await expect(analyzeMedia(cut, { features: ['beats' as 'scenes'] })).rejects.toThrow(new InvalidAnalysisOptionError('unknown analysis feature "beats" (known: scenes, energy)'))
    await expect(analyzeMedia(cut, { sceneThreshold: 2 })).rejects.toThrow('sceneThreshold must be between 0 and 1 (exclusive), got 2')
    await expect(analyzeMedia(cut, { energyWindow: 0 })).rejects.toThrow('energyWindow must be between 0.01 and 60 seconds, got 0')
    const err = await analyzeMedia(m.notMedia).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InvalidMediaError)
    expect((err as Error).message).toMatch(/^not readable media: .*Invalid data found when processing input$/)
  })
})

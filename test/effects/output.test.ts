import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultAssetsDir } from '../../src/effects/assets.js'
import { createEffectRegistry, createStepExecutor, probeMedia, type StepOutput } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { media, SLOW_TEST_TIMEOUT_MS, stepOf, workDir } from './helpers.js'

const run = promisify(execFile)
const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
const DOG = `${defaultAssetsDir()}/dog.png`
let m: TestMedia

beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

function invertStep (output?: Record<string, unknown>): ReturnType<typeof stepOf> {
  const def = registry.get('invert')!
  return stepOf('EFFECT', { effect: 'invert', params: { intensity: 1 }, ...(output === undefined ? {} : { output }) }, { name: 'invert', version: def.version, hash: def.hash })
}

function pathOf (out: StepOutput): string {
  if (out.kind !== 'file') throw new Error(`expected a file, got ${JSON.stringify(out)}`)
  return out.path
}

/** the format name, codec and pixel format ffprobe reports for the first video stream */
async function ffprobe (path: string): Promise<{ format: string, codec: string, pixFmt: string, width: number, height: number, fps: string }> {
  const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'format=format_name:stream=codec_name,pix_fmt,width,height,r_frame_rate', '-of', 'json', path])
  const out = JSON.parse(stdout) as { format: { format_name: string }, streams: Array<{ codec_name: string, pix_fmt: string, width: number, height: number, r_frame_rate: string }> }
  const s = out.streams[0]!
  return { format: out.format.format_name, codec: s.codec_name, pixFmt: s.pix_fmt, width: s.width, height: s.height, fps: s.r_frame_rate }
}

/** alpha of every pixel of the first frame, decoded by ffmpeg to RGBA: [transparent, opaque] pixel counts */
async function alphaCounts (path: string): Promise<[number, number]> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 })
  let transparent = 0
  let opaque = 0
  for (let i = 3; i < stdout.length; i += 4) {
    if (stdout[i] === 0) transparent++
    else if (stdout[i] === 255) opaque++
  }
  return [transparent, opaque]
}

describe('output choice of a step', () => {
  it('should write a VP9 WebM with Opus sound when asked for webm', async () => {
    const path = pathOf(await executor.execute(invertStep({ format: 'webm' }), media(m.clip), { workDir: await workDir(m.dir, 'webm') }))
    expect(path.endsWith('.webm')).toBe(true)
    const got = await ffprobe(path)
    expect({ format: got.format, codec: got.codec, pixFmt: got.pixFmt }).toEqual({ format: 'matroska,webm', codec: 'vp9', pixFmt: 'yuv420p' })
    const { stdout } = await run('ffprobe', ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', path])
    expect(stdout.trim()).toBe('opus')
  }, SLOW_TEST_TIMEOUT_MS)

  it('should scale into the asked size (aspect kept) and resample to the asked fps', async () => {
    const path = pathOf(await executor.execute(invertStep({ format: 'mp4', width: 80, fps: 10 }), media(m.clip), { workDir: await workDir(m.dir, 'size') }))
    const got = await ffprobe(path)
    expect({ codec: got.codec, width: got.width, height: got.height, fps: got.fps }).toEqual({ codec: 'h264', width: 80, height: 60, fps: '10/1' })
    const still = pathOf(await executor.execute(invertStep({ format: 'jpg', width: 40, height: 40 }), media(m.image), { workDir: await workDir(m.dir, 'jpg') }))
    const jpg = await ffprobe(still)
    expect({ codec: jpg.codec, width: jpg.width, height: jpg.height }).toEqual({ codec: 'mjpeg', width: 40, height: 30 })
  }, SLOW_TEST_TIMEOUT_MS)

  it('should refuse a still format for a clip and a clip format for a still when the step runs', async () => {
    await expect(executor.execute(invertStep({ format: 'png' }), media(m.clip), { workDir: await workDir(m.dir, 'png') }))
      .rejects.toThrow('the output format "png" cannot hold what this step makes (a clip)')
    await expect(executor.execute(invertStep({ format: 'webm' }), media(m.image), { workDir: await workDir(m.dir, 'still-webm') }))
      .rejects.toThrow('the output format "webm" cannot hold what this step makes (a still picture)')
    await expect(executor.execute(invertStep({ format: 'avi' }), media(m.image), { workDir: await workDir(m.dir, 'avi') }))
      .rejects.toThrow('output.format: must be one of mp4, webm, gif, mov, png, jpg, got "avi"')
  })

  it('should re-encode what would pass through (identity) when a format is asked', async () => {
    const def = registry.get('identity')!
    const step = stepOf('EFFECT', { effect: 'identity', params: {}, output: { format: 'gif' } }, { name: 'identity', version: def.version, hash: def.hash })
    expect(executor.passthroughInput?.(step)).toBeUndefined()
    const got = await ffprobe(pathOf(await executor.execute(step, media(m.clip), { workDir: await workDir(m.dir, 'identity-gif') })))
    expect(got.codec).toBe('gif')
  }, SLOW_TEST_TIMEOUT_MS)

  it('should keep the transparency of a LAYER of the clip over the dog in a GIF and in a ProRes 4444 MOV', async () => {
    const layers = { inputs: [{}, { position: [8, 8], scale: 0.5 }] }
    const [gif, mov, mp4] = await Promise.all((['gif', 'mov', 'mp4'] as const).map(async (format) =>
      pathOf(await executor.execute(stepOf('LAYER', { ...layers, output: { format } }), media(DOG, m.clip), { workDir: await workDir(m.dir, `layer-${format}`) }))))
    const g = await ffprobe(gif!)
    expect({ format: g.format, codec: g.codec }).toEqual({ format: 'gif', codec: 'gif' })
    const v = await ffprobe(mov!)
    expect({ codec: v.codec, alpha: /^yuva/.test(v.pixFmt) }).toEqual({ codec: 'prores', alpha: true })
    expect((await probeMedia(mov!)).hasAlpha).toBe(true)
    for (const path of [gif!, mov!]) {
      const [transparent, opaque] = await alphaCounts(path)
      // the dog picture's background stays see-through; the dog and the clip on it stay opaque
      expect(transparent, path).toBeGreaterThan(1000)
      expect(opaque, path).toBeGreaterThan(1000)
    }
    // the default MP4 has no alpha channel at all: that is what the choice is for
    expect((await ffprobe(mp4!)).pixFmt).toBe('yuv420p')
  }, SLOW_TEST_TIMEOUT_MS)

  it('should keep the transparency of a SEQUENCE of the dog and a clip in a GIF and a ProRes 4444 MOV, cut or crossfaded', async () => {
    const cases = [['gif', 'cut'], ['mov', 'cut'], ['mov', 'crossfade'], ['mov', 'fade']] as const
    const paths = await Promise.all(cases.map(async ([format, type]) =>
      pathOf(await executor.execute(stepOf('SEQUENCE', { transition: { type, duration: 0.3 }, output: { format } }), media(DOG, m.clip), { workDir: await workDir(m.dir, `sequence-${format}-${type}`) }))))
    for (const path of paths) {
      const [transparent, opaque] = await alphaCounts(path)
      // the first frame is the dog: its background stays see-through, the dog stays opaque
      expect(transparent, path).toBeGreaterThan(1000)
      expect(opaque, path).toBeGreaterThan(1000)
    }
    expect((await probeMedia(paths[1]!)).hasAlpha).toBe(true)
  }, SLOW_TEST_TIMEOUT_MS)

  it('should fit, fill or stretch the second input of a BLEND to the first, keeping alpha where an input has it', async () => {
    const dog = await probeMedia(DOG)
    const blend = async (fit: string, format: string): Promise<string> =>
      pathOf(await executor.execute(stepOf('BLEND', { mode: 'screen', opacity: 1, fit, output: { format } }), media(DOG, m.clip), { workDir: await workDir(m.dir, `blend-${fit}-${format}`) }))
    const [fitted, filled, stretched] = await Promise.all([blend('fit', 'mov'), blend('fill', 'mov'), blend('stretch', 'mp4')])
    for (const path of [fitted, filled, stretched]) {
      const got = await ffprobe(path)
      expect({ width: got.width, height: got.height }).toEqual({ width: dog.width, height: dog.height })
    }
    const [transparent, opaque] = await alphaCounts(fitted)
    // outside the dog and outside the fitted clip nothing is drawn: the transparent margins stay transparent
    expect(transparent).toBeGreaterThan(100)
    expect(opaque).toBeGreaterThan(1000)
    // fill covers the whole frame with the clip: nothing stays transparent
    expect((await alphaCounts(filled))[0]).toBe(0)
  }, SLOW_TEST_TIMEOUT_MS)

  it('should size a LAYER to the base with fit or fill before scaling and placing it', async () => {
    const layer = async (fit: string): Promise<string> =>
      pathOf(await executor.execute(stepOf('LAYER', { inputs: [{}, { fit }], output: { format: 'mov' } }), media(DOG, m.clip), { workDir: await workDir(m.dir, `layer-fit-${fit}`) }))
    const [fitted, filled] = await Promise.all([layer('fit'), layer('fill')])
    // fill covers the whole base: nothing of the dog's transparent background is left
    expect((await alphaCounts(filled))[0]).toBe(0)
    // fit keeps the clip's aspect inside the base: the margins show the base (partly transparent)
    const [transparent] = await alphaCounts(fitted)
    expect(transparent).toBeGreaterThan(0)
    await expect(executor.execute(stepOf('LAYER', { inputs: [{}, { fit: 'squash' }] }), media(DOG, m.clip), { workDir: await workDir(m.dir, 'layer-bad-fit') }))
      .rejects.toThrow('LAYER config.inputs[1].fit must be one of stretch, fit, fill, got "squash"')
  }, SLOW_TEST_TIMEOUT_MS)
})

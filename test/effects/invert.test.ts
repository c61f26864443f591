import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEffectRegistry, createStepExecutor } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { media, SLOW_TEST_TIMEOUT_MS, stepOf, workDir } from './helpers.js'

const run = promisify(execFile)
const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
let m: TestMedia

beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

async function rgb (path: string): Promise<Buffer> {
  const { stdout } = await run('ffmpeg', ['-v', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 })
  return stdout
}

async function invert (intensity: number): Promise<Buffer> {
  const def = registry.get('invert')!
  const out = await executor.execute(stepOf('EFFECT', { effect: 'invert', params: { intensity } }, { name: 'invert', version: def.version, hash: def.hash }), media(m.image), { workDir: await workDir(m.dir, `invert-${intensity}`) })
  if (out.kind !== 'file') throw new Error('no file')
  return await rgb(out.path)
}

describe('invert intensity', () => {
  it('should keep the picture at 0, negate it at 1, and fold the tones around mid grey at 0.5 (not a flat grey)', async () => {
    const source = await rgb(m.image)
    const [none, half, full] = await Promise.all([invert(0), invert(0.5), invert(1)])
    expect(none.equals(source)).toBe(true)
    expect(full.every((v, i) => v === 255 - source[i]!)).toBe(true)
    // solarised: |v - 127.5| * 2, so black and white both come out bright and mid grey dark
    expect(half.every((v, i) => Math.abs(v - Math.min(255, Math.abs(source[i]! - 127.5) * 2)) <= 1)).toBe(true)
    expect(new Set(half).size).toBeGreaterThan(32)
    // a small intensity already changes the picture (each intensity is its own result)
    expect((await invert(1 / 16)).equals(source)).toBe(false)
  }, SLOW_TEST_TIMEOUT_MS)
})

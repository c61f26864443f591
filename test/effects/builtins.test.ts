import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEffectRegistry, createStepExecutor, probeMedia } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { inParallel, media, PARALLEL, SLOW_TEST_TIMEOUT_MS, stepOf, workDir } from './helpers.js'

const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
let m: TestMedia

beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

function effectStep (name: string, params: Record<string, unknown> = {}): ReturnType<typeof stepOf> {
  const def = registry.get(name)!
  return stepOf('EFFECT', { effect: name, params }, { name, version: def.version, hash: def.hash })
}

describe('built-in effects', () => {
  it('should render every effect on a still image and on a clip with the right kind, size and duration', async () => {
    const effects = registry.list().filter((def) => def.name !== 'identity')
    const failures: string[] = []
    const cases = effects.flatMap((def) => (['image', 'clip'] as const).map((source) => async () => {
      const dir = await workDir(m.dir, `${def.name}-${source}`)
      try {
        const out = await executor.execute(effectStep(def.name), media(source === 'image' ? m.image : m.clip), { workDir: dir })
        if (out.kind !== 'file') throw new Error(`returned ${JSON.stringify(out)}`)
        const info = await probeMedia(out.path)
        const expectVideo = source === 'clip' || def.temporal
        const want = { kind: expectVideo ? 'video' : 'image', width: 160, height: 120, audio: source === 'clip' }
        const got = { kind: info.kind, width: info.width, height: info.height, audio: info.hasAudio }
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`)
        if (expectVideo) {
          const wantDuration = source === 'clip' ? 1 : 2
          if (Math.abs(info.duration - wantDuration) > 0.1) throw new Error(`duration ${info.duration}, want ${wantDuration}`)
          if (info.videoCodec !== 'h264' || info.pixFmt !== 'yuv420p') throw new Error(`codec ${info.videoCodec}/${info.pixFmt}`)
        }
      } catch (err) {
        failures.push(`${def.name} on ${source}: ${(err as Error).message}`)
      }
    }))
    await inParallel(PARALLEL, cases)
    expect(failures).toEqual([])
    expect(effects.length * 2).toBe(60)
  }, SLOW_TEST_TIMEOUT_MS)
})

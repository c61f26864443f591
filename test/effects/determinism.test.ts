import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CacheId } from '../../src/dag/ids.js'
import { createEffectRegistry, createStepExecutor, prepareEffectCommand, runFfmpeg, type StepSpec } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { inParallel, media, PARALLEL, SLOW_TEST_TIMEOUT_MS, stepOf, workDir } from './helpers.js'

const registry = createEffectRegistry()
const executor = createStepExecutor({ registry })
let m: TestMedia

beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

function effectStep (name: string, params: Record<string, unknown> = {}): StepSpec {
  const def = registry.get(name)!
  return stepOf('EFFECT', { effect: name, params }, { name, version: def.version, hash: def.hash })
}

async function render (step: StepSpec, inputs: string[], label: string): Promise<string> {
  const out = await executor.execute(step, media(...inputs), { workDir: await workDir(m.dir, label) })
  if (out.kind !== 'file') throw new Error('expected a file')
  return createHash('sha256').update(await readFile(out.path)).digest('hex')
}

describe('determinism', () => {
  it('should render byte-identical files when the same step runs twice', async () => {
    const cases: Array<[string, StepSpec, () => string[]]> = [
      ['noise on a clip', effectStep('noise', { amount: 40 }), () => [m.clip]],
      ['film_grain on a still', effectStep('film_grain'), () => [m.image]],
      ['strobe on a still (clip out)', effectStep('strobe'), () => [m.image]],
      ['dog on a clip', effectStep('dog', { position: 'center' }), () => [m.clip]],
      ['SEQUENCE crossfade with audio', stepOf('SEQUENCE', { transition: { type: 'crossfade', duration: 0.4 } }), () => [m.clip, m.silentClip]],
      ['TRANSFORM speed (audio re-encoded)', stepOf('TRANSFORM', { effects: { speed: 1.5 } }), () => [m.clip]]
    ]
    const hashes = await inParallel(PARALLEL, cases.flatMap(([label, step, inputs]) => [0, 1].map((run) => async () => ({
      label, hash: await render(step, inputs(), `${label.split(' ')[0]!}-${run}`)
    }))))
    for (let i = 0; i < hashes.length; i += 2) {
      expect({ label: hashes[i]!.label, same: hashes[i]!.hash === hashes[i + 1]!.hash }).toEqual({ label: hashes[i]!.label, same: true })
    }
  }, SLOW_TEST_TIMEOUT_MS)

  it('should seed randomness from the cache id: another cache id gives other noise', async () => {
    const a = effectStep('noise')
    const b: StepSpec = { ...a, cacheId: 'f'.repeat(64) as CacheId }
    const [ha, hb] = await Promise.all([render(a, [m.image], 'seed-a'), render(b, [m.image], 'seed-b')])
    expect(ha).not.toBe(hb)
  })

  it('should run the same command as prepareEffectCommand builds, byte for byte', async () => {
    const step = effectStep('film_grain', { intensity: 0.7 })
    const viaStep = await render(step, [m.clip], 'bench-step')
    const dir = await workDir(m.dir, 'bench-direct')
    const command = await prepareEffectCommand(registry, 'film_grain', { intensity: 0.7 }, m.clip, { workDir: dir, cacheId: step.cacheId })
    await runFfmpeg(command!.args)
    expect(createHash('sha256').update(await readFile(command!.outputPath)).digest('hex')).toBe(viaStep)
    await expect(prepareEffectCommand(registry, 'identity', {}, m.clip, { workDir: dir })).resolves.toBeUndefined()
  })
})

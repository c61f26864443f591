import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BUILTIN_EFFECTS } from '../../src/effects/builtins/index.js'
import { createEffectRegistry } from '../../src/effects/index.js'
import { defaultAssetsDir } from '../../src/effects/assets.js'

const REQUIRED = [
  'identity', 'invert', 'dog', 'grayscale', 'sepia', 'brightness', 'contrast', 'saturation', 'hue_shift', 'posterize',
  'threshold', 'blur', 'sharpen', 'emboss', 'edge_detect', 'pixelate', 'flip', 'mirror', 'rotate', 'zoom', 'kaleidoscope',
  'tile_grid', 'vignette', 'noise', 'film_grain', 'scanlines', 'rgb_split', 'color_cycle', 'strobe', 'echo', 'trails'
]

describe('effect registry', () => {
  const registry = createEffectRegistry()

  it('should declare every required effect with version, description, params, temporal flag and hash', () => {
    expect(registry.list().map((d) => d.name).sort()).toEqual([...REQUIRED].sort())
    for (const def of registry.list()) {
      expect(def.version).toMatch(/^\d+\.\d+\.\d+$/)
      expect(def.description.length).toBeGreaterThan(5)
      expect(def.hash).toMatch(/^[0-9a-f]{64}$/)
      for (const [key, spec] of Object.entries(def.params)) {
        const where = `${def.name}.${key}`
        if (spec.type === 'number' || spec.type === 'integer') {
          expect({ where, ok: typeof spec.default === 'number' && spec.min! <= spec.default && spec.default <= spec.max! }).toEqual({ where, ok: true })
        }
        if (spec.type === 'enum') expect({ where, ok: spec.values!.includes(spec.default as string) }).toEqual({ where, ok: true })
      }
    }
    expect(registry.list().filter((d) => d.temporal).map((d) => d.name).sort()).toEqual(['color_cycle', 'echo', 'strobe', 'trails'])
  })

  it('should give every effect its own hash, stable across registries', () => {
    const hashes = registry.list().map((d) => d.hash)
    expect(new Set(hashes).size).toBe(hashes.length)
    expect(createEffectRegistry().list().map((d) => d.hash)).toEqual(hashes)
  })

  it('should change the hash when the filter template changes, even at the same version', () => {
    const invert = BUILTIN_EFFECTS.find((e) => e.name === 'invert')!
    const changed = createEffectRegistry({ effects: [{ ...invert, template: 'negate' }] })
    expect(changed.get('invert')!.version).toBe(registry.get('invert')!.version)
    expect(changed.get('invert')!.hash).not.toBe(registry.get('invert')!.hash)
  })

  it('should change only the dog hash when the bundled dog picture changes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'artdag-assets-'))
    try {
      await copyFile(join(defaultAssetsDir(), 'dog.png'), join(dir, 'dog.png'))
      const same = createEffectRegistry({ assetsDir: dir })
      expect(same.get('dog')!.hash).toBe(registry.get('dog')!.hash)
      await writeFile(join(dir, 'dog.png'), Buffer.from('another dog'))
      const other = createEffectRegistry({ assetsDir: dir })
      expect(other.get('dog')!.hash).not.toBe(registry.get('dog')!.hash)
      expect(other.get('invert')!.hash).toBe(registry.get('invert')!.hash)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('should fail with MissingAssetError when the assets dir has no dog.png', () => {
    expect(() => createEffectRegistry({ assetsDir: '/nonexistent' })).toThrow('asset "dog.png" not found in /nonexistent')
  })

  it('should apply defaults and keep given params', () => {
    expect(registry.resolveParams('dog', { scale: 0.3 })).toEqual({ scale: 0.3, position: 'bottom-right', opacity: 1 })
    expect(registry.resolveParams('invert', undefined)).toEqual({ intensity: 1 })
    expect(registry.get('nosuch')).toBeUndefined()
    expect(() => registry.require('nosuch')).toThrow(/^unknown effect "nosuch" \(known: blur, brightness, /)
  })
})

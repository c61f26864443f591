import type { EffectSpec } from '../spec.js'

/** Film and texture effects; the random ones are seeded from the step's cache id */

export const textureEffects: EffectSpec[] = [
  {
    name: 'vignette',
    version: '1.0.0',
    group: 'texture',
    description: 'Darkens the corners',
    params: { strength: { type: 'number', min: 0, max: 1, step: 0.01, default: 0.5, description: '0 = none, 1 = strongest darkening' } },
    temporal: false,
    template: 'vignette=angle={angle}',
    derive: (params) => ({ angle: Number(params.strength) * Math.PI / 2 })
  },
  {
    name: 'noise',
    version: '1.0.0',
    group: 'texture',
    description: 'Random colour noise (seeded: the same step renders the same noise)',
    params: { amount: { type: 'number', min: 0, max: 100, step: 1, default: 25, description: 'noise strength; 0 = none' } },
    temporal: false,
    template: 'noise=alls={amount}:allf=t+u:all_seed={seed}'
  },
  {
    name: 'film_grain',
    version: '1.0.0',
    group: 'texture',
    description: 'Monochrome film grain with slightly faded colour (seeded)',
    params: { intensity: { type: 'number', min: 0, max: 1, step: 0.01, default: 0.4, description: 'grain strength and colour fading; 0 = unchanged' } },
    temporal: false,
    template: 'eq=saturation={saturation},noise=c0s={grain}:c0f=t:all_seed={seed}',
    derive: (params) => ({ grain: Number(params.intensity) * 40, saturation: 1 - 0.3 * Number(params.intensity) })
  },
  {
    name: 'scanlines',
    version: '1.0.0',
    group: 'texture',
    description: 'Dark horizontal lines like an old CRT',
    params: {
      spacing: { type: 'integer', min: 2, max: 32, default: 4, unit: 'px', description: 'distance between two lines' },
      darkness: { type: 'number', min: 0, max: 1, step: 0.01, default: 0.5, description: 'opacity of the lines: 0 invisible, 1 black' }
    },
    temporal: false,
    template: 'drawgrid=w=iw:h={spacing}:t=1:c=black@{darkness}'
  },
  {
    name: 'rgb_split',
    version: '1.0.0',
    group: 'texture',
    description: 'Shifts the red and blue channels apart (chromatic aberration)',
    params: { offset: { type: 'integer', min: 0, max: 64, default: 6, unit: 'px', description: 'how far red and blue are shifted apart' } },
    temporal: false,
    template: 'rgbashift=rh=-{offset}:bh={offset}:edge=smear'
  }
]

import type { EffectSpec } from '../spec.js'

/** Colour and tone effects: per-pixel, non-temporal */

const SEPIA = [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]
const CHANNELS = ['r', 'g', 'b'] as const

export const colorEffects: EffectSpec[] = [
  {
    name: 'invert',
    version: '1.0.0',
    description: 'Negative image, blended with the original by intensity',
    params: { intensity: { type: 'number', min: 0, max: 1, default: 1, description: '0 = unchanged, 1 = full negative' } },
    temporal: false,
    template: "[in]split[a][b];[b]negate[n];[a][n]blend=all_expr='A*(1-{intensity})+B*{intensity}'[out]"
  },
  {
    name: 'grayscale',
    version: '1.0.0',
    description: 'Removes all colour',
    params: {},
    temporal: false,
    template: 'hue=s=0'
  },
  {
    name: 'sepia',
    version: '1.0.0',
    description: 'Warm brown old-photo toning',
    params: { intensity: { type: 'number', min: 0, max: 1, default: 1, description: 'mix between original and full sepia' } },
    temporal: false,
    template: 'colorchannelmixer=rr={rr}:rg={rg}:rb={rb}:gr={gr}:gg={gg}:gb={gb}:br={br}:bg={bg}:bb={bb}',
    derive: (params) => {
      const k = Number(params.intensity)
      const out: Record<string, number> = {}
      CHANNELS.forEach((row, i) => {
        CHANNELS.forEach((col, j) => {
          out[`${row}${col}`] = (i === j ? 1 - k : 0) + k * (SEPIA[i]?.[j] ?? 0)
        })
      })
      return out
    }
  },
  {
    name: 'brightness',
    version: '1.0.0',
    description: 'Adds or removes light',
    params: { amount: { type: 'number', min: -1, max: 1, default: 0.2, description: '-1 black .. 0 unchanged .. 1 white' } },
    temporal: false,
    template: 'eq=brightness={amount}'
  },
  {
    name: 'contrast',
    version: '1.0.0',
    description: 'Scales contrast around mid grey',
    params: { amount: { type: 'number', min: 0, max: 4, default: 1.5, description: '1 = unchanged' } },
    temporal: false,
    template: 'eq=contrast={amount}'
  },
  {
    name: 'saturation',
    version: '1.0.0',
    description: 'Scales colour saturation',
    params: { amount: { type: 'number', min: 0, max: 3, default: 1.8, description: '0 = grey, 1 = unchanged' } },
    temporal: false,
    template: 'eq=saturation={amount}'
  },
  {
    name: 'hue_shift',
    version: '1.0.0',
    description: 'Rotates every hue by an angle',
    params: { degrees: { type: 'number', min: -360, max: 360, default: 90 } },
    temporal: false,
    template: 'hue=h={degrees}'
  },
  {
    name: 'posterize',
    version: '1.0.0',
    description: 'Reduces each colour channel to a few levels',
    params: { levels: { type: 'integer', min: 2, max: 64, default: 4, description: 'levels per channel' } },
    temporal: false,
    template: "lutrgb=r='trunc(val/{step})*{scale}':g='trunc(val/{step})*{scale}':b='trunc(val/{step})*{scale}'",
    derive: (params) => ({ step: 256 / Number(params.levels), scale: 255 / (Number(params.levels) - 1) })
  },
  {
    name: 'threshold',
    version: '1.0.0',
    description: 'Black and white: pixels brighter than the level turn white, the rest black',
    params: { level: { type: 'integer', min: 0, max: 255, default: 128, description: 'luma threshold' } },
    temporal: false,
    template: "format=gray,lut=c0='if(gte(val,{level}),255,0)'"
  }
]

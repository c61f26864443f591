import { formatNumber, type EffectSpec } from '../spec.js'

/** Colour and tone effects: per-pixel, non-temporal */

const SEPIA = [[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]
const CHANNELS = ['r', 'g', 'b'] as const

export const colorEffects: EffectSpec[] = [
  {
    name: 'invert',
    version: '2.0.0',
    group: 'color',
    description: 'Negative image; in between, tones fold around a level moving from black to white (solarisation)',
    params: {
      intensity: {
        type: 'number',
        min: 0,
        max: 1,
        step: 0.01,
        default: 1,
        description: '0 = unchanged, 0.5 = solarised (black and white bright, mid grey dark), 1 = full negative'
      }
    },
    temporal: false,
    // each channel folds around k*255 and is stretched back to 0..255, so every intensity gives its own
    // picture (a linear mix with the negative was a flat grey at 0.5); alpha is left alone
    template: "lutrgb=r='{lut}':g='{lut}':b='{lut}'",
    derive: (params) => {
      const k = Number(params.intensity)
      return { lut: `abs(val-${formatNumber(255 * k)})*${formatNumber(1 / Math.max(k, 1 - k))}` }
    }
  },
  {
    name: 'grayscale',
    version: '1.0.0',
    group: 'color',
    description: 'Removes all colour',
    params: {},
    temporal: false,
    template: 'hue=s=0'
  },
  {
    name: 'sepia',
    version: '1.0.0',
    group: 'color',
    description: 'Warm brown old-photo toning',
    params: { intensity: { type: 'number', min: 0, max: 1, step: 0.01, default: 1, description: '0 = unchanged, 1 = full sepia' } },
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
    group: 'color',
    description: 'Adds or removes light',
    params: { amount: { type: 'number', min: -1, max: 1, step: 0.01, default: 0.2, description: 'light added: -1 black, 0 unchanged, 1 white' } },
    temporal: false,
    template: 'eq=brightness={amount}'
  },
  {
    name: 'contrast',
    version: '1.0.0',
    group: 'color',
    description: 'Scales contrast around mid grey',
    params: { amount: { type: 'number', min: 0, max: 4, step: 0.05, default: 1.5, description: 'contrast factor around mid grey; 1 = unchanged' } },
    temporal: false,
    template: 'eq=contrast={amount}'
  },
  {
    name: 'saturation',
    version: '1.0.0',
    group: 'color',
    description: 'Scales colour saturation',
    params: { amount: { type: 'number', min: 0, max: 3, step: 0.05, default: 1.8, description: 'saturation factor: 0 = grey, 1 = unchanged' } },
    temporal: false,
    template: 'eq=saturation={amount}'
  },
  {
    name: 'hue_shift',
    version: '1.0.0',
    group: 'color',
    description: 'Rotates every hue by an angle',
    params: { degrees: { type: 'number', min: -360, max: 360, step: 1, default: 90, unit: '°', description: 'angle every hue is turned by' } },
    temporal: false,
    template: 'hue=h={degrees}'
  },
  {
    name: 'posterize',
    version: '1.0.0',
    group: 'color',
    description: 'Reduces each colour channel to a few levels',
    params: { levels: { type: 'integer', min: 2, max: 64, default: 4, description: 'levels per colour channel' } },
    temporal: false,
    template: "lutrgb=r='trunc(val/{step})*{scale}':g='trunc(val/{step})*{scale}':b='trunc(val/{step})*{scale}'",
    derive: (params) => ({ step: 256 / Number(params.levels), scale: 255 / (Number(params.levels) - 1) })
  },
  {
    name: 'threshold',
    version: '1.0.0',
    group: 'color',
    description: 'Black and white: pixels brighter than the level turn white, the rest black',
    params: { level: { type: 'integer', min: 0, max: 255, default: 128, description: 'luma (0..255) from which a pixel turns white' } },
    temporal: false,
    template: "format=gray,lut=c0='if(gte(val,{level}),255,0)'"
  }
]

import type { EffectSpec } from '../spec.js'

/** Blur, sharpen, edges and pixel-size effects: spatial, non-temporal */

const EMBOSS = '-2 -1 0 -1 1 1 0 1 2'
const KEEP = '0 0 0 0 1 0 0 0 0'

export const blurEffects: EffectSpec[] = [
  {
    name: 'blur',
    version: '1.0.0',
    group: 'blur',
    description: 'Gaussian blur',
    params: { radius: { type: 'number', min: 0.1, max: 50, step: 0.1, default: 4, unit: 'px', description: 'blur strength (Gaussian sigma)' } },
    temporal: false,
    template: 'gblur=sigma={radius}'
  },
  {
    name: 'sharpen',
    version: '1.0.0',
    group: 'blur',
    description: 'Unsharp-mask sharpening of the luma',
    params: { amount: { type: 'number', min: 0, max: 5, step: 0.05, default: 1.5, description: 'sharpening strength; 0 = unchanged' } },
    temporal: false,
    template: 'unsharp=5:5:{amount}:5:5:0'
  },
  {
    name: 'emboss',
    version: '1.0.0',
    group: 'blur',
    description: 'Relief look: luma convolved with an emboss kernel, colour kept',
    params: {},
    temporal: false,
    template: `format=yuv444p,convolution='${EMBOSS}:${KEEP}:${KEEP}:${KEEP}'`
  },
  {
    name: 'edge_detect',
    version: '1.0.0',
    group: 'blur',
    description: 'Canny edges, white on black',
    params: {
      low: { type: 'number', min: 0, max: 1, step: 0.01, default: 0.1, description: 'weaker edges kept only when connected to strong ones; must not exceed high' },
      high: { type: 'number', min: 0, max: 1, step: 0.01, default: 0.4, description: 'edges stronger than this are always kept; must be at least low' }
    },
    temporal: false,
    template: 'edgedetect=low={low}:high={high}',
    check: (params) => Number(params.low) > Number(params.high)
      ? `parameter "low" (${String(params.low)}) must not be above parameter "high" (${String(params.high)})`
      : undefined
  },
  {
    name: 'pixelate',
    version: '1.0.0',
    group: 'blur',
    description: 'Big square pixels',
    params: { size: { type: 'integer', min: 2, max: 64, default: 8, unit: 'px', description: 'side of one big pixel' } },
    temporal: false,
    template: "scale='max(1,trunc(iw/{size}))':'max(1,trunc(ih/{size}))':flags=area,scale={W}:{H}:flags=neighbor"
  }
]

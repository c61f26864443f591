import type { EffectSpec } from '../spec.js'

/** Blur, sharpen, edges and pixel-size effects: spatial, non-temporal */

const EMBOSS = '-2 -1 0 -1 1 1 0 1 2'
const KEEP = '0 0 0 0 1 0 0 0 0'

export const blurEffects: EffectSpec[] = [
  {
    name: 'blur',
    version: '1.0.0',
    description: 'Gaussian blur',
    params: { radius: { type: 'number', min: 0.1, max: 50, default: 4, description: 'sigma in pixels' } },
    temporal: false,
    template: 'gblur=sigma={radius}'
  },
  {
    name: 'sharpen',
    version: '1.0.0',
    description: 'Unsharp-mask sharpening of the luma',
    params: { amount: { type: 'number', min: 0, max: 5, default: 1.5 } },
    temporal: false,
    template: 'unsharp=5:5:{amount}:5:5:0'
  },
  {
    name: 'emboss',
    version: '1.0.0',
    description: 'Relief look: luma convolved with an emboss kernel, colour kept',
    params: {},
    temporal: false,
    template: `format=yuv444p,convolution='${EMBOSS}:${KEEP}:${KEEP}:${KEEP}'`
  },
  {
    name: 'edge_detect',
    version: '1.0.0',
    description: 'Canny edges, white on black',
    params: {
      low: { type: 'number', min: 0, max: 1, default: 0.1, description: 'low hysteresis threshold' },
      high: { type: 'number', min: 0, max: 1, default: 0.4, description: 'high hysteresis threshold, >= low' }
    },
    temporal: false,
    template: 'edgedetect=low={low}:high={high}',
    check: (params) => Number(params.low) > Number(params.high)
      ? `param "low" (${String(params.low)}) must not exceed param "high" (${String(params.high)})`
      : undefined
  },
  {
    name: 'pixelate',
    version: '1.0.0',
    description: 'Big square pixels',
    params: { size: { type: 'integer', min: 2, max: 64, default: 8, description: 'pixel block size' } },
    temporal: false,
    template: "scale='max(1,trunc(iw/{size}))':'max(1,trunc(ih/{size}))':flags=area,scale={W}:{H}:flags=neighbor"
  }
]

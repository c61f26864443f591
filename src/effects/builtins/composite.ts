import type { EffectSpec } from '../spec.js'

/** Effects that pass the input through or composite a bundled asset onto it */

const MARGIN = 'W*0.03'

export const compositeEffects: EffectSpec[] = [
  {
    name: 'identity',
    version: '1.0.0',
    group: 'composite',
    description: 'Returns the input unchanged (same bytes, same CID)',
    params: {},
    temporal: false,
    template: '',
    passthrough: true
  },
  {
    name: 'dog',
    version: '1.0.0',
    group: 'composite',
    description: 'Composites the bundled dog picture (config/assets/dog.png, transparent background) onto the input',
    params: {
      scale: { type: 'number', min: 0.05, max: 1, step: 0.01, default: 0.5, description: 'dog height as a fraction of the picture height' },
      position: { type: 'enum', values: ['center', 'top-left', 'top-right', 'bottom-left', 'bottom-right'], default: 'bottom-right', description: 'where the dog sits' },
      opacity: { type: 'number', min: 0, max: 1, step: 0.01, default: 1, description: '0 = invisible, 1 = opaque' }
    },
    temporal: false,
    assets: ['dog.png'],
    template: "[asset:dog.png]scale=-2:'max(2,trunc({H}*{scale}/2)*2)',format=rgba,colorchannelmixer=aa={opacity}[dog];[in][dog]overlay={@position}:format=auto[out]",
    lookups: {
      position: {
        param: 'position',
        map: {
          center: 'x=(W-w)/2:y=(H-h)/2',
          'top-left': `x=${MARGIN}:y=${MARGIN}`,
          'top-right': `x=W-w-${MARGIN}:y=${MARGIN}`,
          'bottom-left': `x=${MARGIN}:y=H-h-${MARGIN}`,
          'bottom-right': `x=W-w-${MARGIN}:y=H-h-${MARGIN}`
        }
      }
    }
  }
]

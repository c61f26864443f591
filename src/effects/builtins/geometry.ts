import type { EffectSpec } from '../spec.js'

/** Geometry effects: flips, mirrors, rotation, zoom, kaleidoscope, tiling; the output keeps the input size */

export const geometryEffects: EffectSpec[] = [
  {
    name: 'flip',
    version: '1.0.0',
    group: 'geometry',
    description: 'Flips the picture',
    params: { direction: { type: 'enum', values: ['horizontal', 'vertical', 'both'], default: 'vertical', description: 'axis of the flip' } },
    temporal: false,
    template: '{@direction}',
    lookups: { direction: { param: 'direction', map: { horizontal: 'hflip', vertical: 'vflip', both: 'hflip,vflip' } } }
  },
  {
    name: 'mirror',
    version: '1.0.0',
    group: 'geometry',
    description: 'Reflects one half of the picture onto the other',
    params: { side: { type: 'enum', values: ['left', 'right', 'top', 'bottom'], default: 'left', description: 'the half that is kept and reflected onto the other' } },
    temporal: false,
    template: '[in]split[a][b];[b]{@half}[m];[a][m]overlay={@at}:format=auto[out]',
    lookups: {
      half: {
        param: 'side',
        map: {
          left: 'crop=trunc(iw/2):ih:0:0,hflip',
          right: 'crop=trunc(iw/2):ih:iw-trunc(iw/2):0,hflip',
          top: 'crop=iw:trunc(ih/2):0:0,vflip',
          bottom: 'crop=iw:trunc(ih/2):0:ih-trunc(ih/2),vflip'
        }
      },
      at: { param: 'side', map: { left: 'x=W-w:y=0', right: 'x=0:y=0', top: 'x=0:y=H-h', bottom: 'x=0:y=0' } }
    }
  },
  {
    name: 'rotate',
    version: '1.0.0',
    group: 'geometry',
    description: 'Rotates the picture around its centre, same frame size',
    params: {
      angle: { type: 'number', min: -360, max: 360, step: 1, default: 30, unit: '°', description: 'clockwise rotation' },
      fill: { type: 'color', default: 'black', description: 'colour of the uncovered corners' }
    },
    temporal: false,
    template: "rotate='{angle}*PI/180':fillcolor={fill}"
  },
  {
    name: 'zoom',
    version: '1.0.0',
    group: 'geometry',
    description: 'Zooms into the centre',
    params: { factor: { type: 'number', min: 1, max: 10, step: 0.05, default: 1.5, unit: '×', description: 'magnification; 1 = unchanged' } },
    temporal: false,
    template: "crop='max(2,trunc(iw/{factor}))':'max(2,trunc(ih/{factor}))',scale={W}:{H}"
  },
  {
    name: 'kaleidoscope',
    version: '1.0.0',
    group: 'geometry',
    description: 'Four-way mirror of the top-left quarter',
    params: {},
    temporal: false,
    template: '[in]crop=trunc(iw/2):trunc(ih/2):0:0,split[q][r];[r]hflip[f];[q][f]hstack,split[t][u];[u]vflip[b];[t][b]vstack,scale={W}:{H}[out]'
  },
  {
    name: 'tile_grid',
    version: '1.0.0',
    group: 'geometry',
    description: 'The picture repeated in an n x n grid',
    params: { tiles: { type: 'integer', min: 2, max: 6, default: 2, description: 'tiles per row and column' } },
    temporal: false,
    template: "[in]scale='max(1,trunc(iw/{tiles}))':'max(1,trunc(ih/{tiles}))',split={count}{labels};{labels}xstack=inputs={count}:layout={layout},scale={W}:{H}[out]",
    derive: (params) => {
      const n = Number(params.tiles)
      const offset = (k: number, unit: string): string => k === 0 ? '0' : Array.from({ length: k }, () => unit).join('+')
      const labels: string[] = []
      const layout: string[] = []
      for (let row = 0; row < n; row++) {
        for (let col = 0; col < n; col++) {
          labels.push(`[t${row * n + col}]`)
          layout.push(`${offset(col, 'w0')}_${offset(row, 'h0')}`)
        }
      }
      return { count: n * n, labels: labels.join(''), layout: layout.join('|') }
    }
  }
]

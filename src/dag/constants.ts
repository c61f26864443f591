import type { NodeType } from './types.js'

/**
 * Salt of cache ids: bump when encoder settings or a primitive's output change, so old results are not
 * reused. v2: BLEND keeps alpha, SEQUENCE keeps alpha and makes no sound for a gif.
 */
export const ENGINE_SALT = 'artdag-l1/ffmpeg-5/x264-crf18-fast/v2'

/** Inputs each node type takes: [min, max] (max Infinity = any number) */
export const ARITY: Readonly<Record<NodeType, readonly [number, number]>> = {
  SOURCE: [0, 0],
  SEGMENT: [1, 1],
  RESIZE: [1, 1],
  TRANSFORM: [1, 1],
  EFFECT: [1, 1],
  SEQUENCE: [1, Infinity],
  LAYER: [1, Infinity],
  MUX: [2, Infinity],
  BLEND: [2, 2],
  AUDIO_MIX: [2, Infinity]
}

export { MAX_SIDE } from '../media/index.js'

export const RESIZE_MODES = ['fit', 'fill', 'stretch', 'pad'] as const
export const TRANSITIONS = ['cut', 'crossfade', 'fade'] as const
export const TARGET_SIZES = ['first', 'last', 'largest', 'explicit'] as const
/** How BLEND brings its second input to the first's size */
export const BLEND_FITS = ['stretch', 'fit', 'fill'] as const

export const BLEND_MODES = [
  'multiply', 'screen', 'overlay', 'add', 'subtract', 'average', 'difference', 'lighten', 'darken'
] as const

/** TRANSFORM `effects` keys: [min, max, neutral value]; a neutral value is dropped when normalising */
export const TRANSFORM_RANGES = {
  saturation: [0, 3, 1],
  contrast: [0, 4, 1],
  brightness: [-1, 1, 0],
  gamma: [0.1, 10, 1],
  hue: [-360, 360, 0],
  blur: [0, 50, 0],
  sharpen: [0, 5, 0],
  speed: [0.25, 4, 1]
} as const

export const DEFAULTS = {
  resizeMode: 'fit',
  background: 'black',
  transition: 'cut',
  transitionDuration: 0.5,
  maxTransitionDuration: 60,
  maxImageDuration: 3600,
  targetSize: 'first',
  blendMode: 'overlay',
  blendOpacity: 0.5,
  layerScaleMax: 16,
  gainMax: 10
} as const

/** Name of the variable input of a short-form effect recipe (`effectRecipe`) */
export const EFFECT_RECIPE_INPUT = 'input'

/** Free string params go into filtergraphs: letters, digits, space, dot, dash, underscore only */
export const SAFE_STRING = /^[\w .-]{0,200}$/

/** Most nodes a recipe may have: bounds the work of validating an uploaded recipe */
export const MAX_NODES = 1000

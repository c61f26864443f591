import type { EffectSpec } from '../spec.js'
import { blurEffects } from './blur.js'
import { colorEffects } from './color.js'
import { compositeEffects } from './composite.js'
import { geometryEffects } from './geometry.js'
import { temporalEffects } from './temporal.js'
import { textureEffects } from './texture.js'

/** Every built-in effect, in catalog order */
export const BUILTIN_EFFECTS: readonly EffectSpec[] = [
  ...compositeEffects, ...colorEffects, ...blurEffects, ...geometryEffects, ...textureEffects, ...temporalEffects
]

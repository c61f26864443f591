import type { EffectSpec } from '../spec.js'

/**
 * Effects over time. On a still image color_cycle and strobe render a short clip (STILL_DURATION_S at
 * STILL_FPS), since one frame cannot show them; echo and trails work on movement between frames, which a
 * still does not have, so they are refused on one before the run.
 */

export const temporalEffects: EffectSpec[] = [
  {
    name: 'color_cycle',
    version: '1.0.0',
    group: 'temporal',
    description: 'Hue rotating over time',
    params: { speed: { type: 'number', min: 0.05, max: 10, step: 0.05, default: 0.5, unit: 'turns/s', description: 'speed of the hue rotation' } },
    temporal: true,
    template: "hue=H='2*PI*t*{speed}'"
  },
  {
    name: 'strobe',
    version: '1.0.0',
    group: 'temporal',
    description: 'Flashes at a fixed rate; the phase is seeded from the step',
    params: {
      frequency: { type: 'number', min: 0.5, max: 15, step: 0.5, default: 4, unit: 'Hz', description: 'flashes per second' },
      flash: { type: 'number', min: -1, max: 1, step: 0.05, default: 0.6, description: 'light added during a flash; negative = dark flashes' }
    },
    temporal: true,
    template: "eq=brightness='if(lt(mod(t*{frequency}+{phase},1),0.5),{flash},0)':eval=frame",
    derive: (_params, ctx) => ({ phase: (ctx.seed % 1000) / 1000 })
  },
  {
    name: 'echo',
    version: '1.0.0',
    group: 'temporal',
    description: 'Each frame averaged with the previous ones (ghosting)',
    params: { frames: { type: 'integer', min: 2, max: 10, default: 4, unit: 'frames', description: 'how many frames are averaged' } },
    temporal: true,
    needsMotion: true,
    template: 'tmix=frames={frames}'
  },
  {
    name: 'trails',
    version: '1.0.0',
    group: 'temporal',
    description: 'Bright parts leave slowly fading trails',
    params: { decay: { type: 'number', min: 0.5, max: 0.99, step: 0.01, default: 0.9, description: 'how much of a trail is left after each frame; higher = longer trails' } },
    temporal: true,
    needsMotion: true,
    template: 'lagfun=decay={decay}'
  }
]

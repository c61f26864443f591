import type { Problem } from './errors.js'
import type { Cid } from './ids.js'
import type { MediaKind } from './output.js'
import type { PlanStep } from './types.js'
import type { EffectCatalog } from '../effects/index.js'

/**
 * What each step of a plan makes (a still, a clip or sound), from what its sources are, following the
 * step executor's rules; undefined where a source's kind is not known (then nothing is checked there).
 */
export function stepKinds (steps: readonly PlanStep[], effects: EffectCatalog, kindOf: (cid: Cid) => MediaKind | undefined): Map<string, MediaKind | undefined> {
  const kinds = new Map<string, MediaKind | undefined>()
  for (const step of steps) {
    const ins = step.inputs.map((id) => kinds.get(id))
    kinds.set(step.id, kindOfStep(step, ins, effects, kindOf))
  }
  return kinds
}

function kindOfStep (step: PlanStep, ins: Array<MediaKind | undefined>, effects: EffectCatalog, kindOf: (cid: Cid) => MediaKind | undefined): MediaKind | undefined {
  const unknown = ins.includes(undefined)
  switch (step.type) {
    case 'SOURCE': return step.cid === undefined ? undefined : kindOf(step.cid)
    case 'SEQUENCE':
    case 'MUX': return 'video'
    case 'SEGMENT': return ins[0] === 'image' ? 'video' : ins[0]
    case 'AUDIO_MIX': return ins[0] === undefined ? undefined : ins[0] === 'video' ? 'video' : 'audio'
    case 'LAYER':
    case 'BLEND': return ins.includes('video') ? 'video' : unknown ? undefined : 'image'
    case 'RESIZE':
    case 'TRANSFORM': return ins[0]
    case 'EFFECT': {
      const def = step.effect === undefined ? undefined : effects.get(step.effect.name)
      return ins[0] === 'image' && def?.temporal === true ? 'video' : ins[0]
    }
  }
}

/**
 * Effects that show only in motion (echo, trails) fed a still picture: every frame of the clip made from
 * it is the same, so the result would look unchanged. Refused before the run, naming the step.
 */
export function motionProblems (steps: readonly PlanStep[], kinds: ReadonlyMap<string, MediaKind | undefined>, effects: EffectCatalog): Problem[] {
  const problems: Problem[] = []
  for (const step of steps) {
    if (step.type !== 'EFFECT' || step.effect === undefined) continue
    const def = effects.get(step.effect.name)
    if (def?.needsMotion !== true || kinds.get(step.inputs[0] ?? '') !== 'image') continue
    problems.push({
      path: `${step.id}.effect`,
      code: 'needs-motion',
      message: `effect "${def.name}" works on movement between frames; on a still picture every frame is the same and it would show nothing: give it a clip (color_cycle and strobe do work on stills)`
    })
  }
  return problems
}

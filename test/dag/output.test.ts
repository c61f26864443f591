import { describe, expect, it } from 'vitest'
import { effectRecipe, OutputChoiceError, planRun, RecipeValidationError, type Cid, type MediaKind, type Recipe } from '../../src/dag/index.js'
import { createEffectRegistry } from '../../src/effects/index.js'
import { encodingFor } from '../../src/effects/encoding.js'

const effects = createEffectRegistry()
const STILL = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CLIP = 'bafkreidvbhs33ighmljlvr7zbv2ywwzcmp5adtf4kqvlly67cy56bdtmve'
const kindOf = (cid: Cid): MediaKind | undefined => cid === STILL ? 'image' : cid === CLIP ? 'video' : undefined

function plan (effect: string, input: string, output?: unknown, params: Record<string, unknown> = {}): ReturnType<typeof planRun> {
  return planRun({ recipe: effectRecipe(effect, params), inputs: [input], effects, engine: 'e1', output, kindOf })
}

function problemsOf (fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return { name: (err as Error).name, problems: (err as { problems?: unknown }).problems }
  }
  return 'no error'
}

describe('output choice in the plan', () => {
  it('should put the choice in the output step config, so it is another step and another run', () => {
    const plain = plan('invert', CLIP)
    const webm = plan('invert', CLIP, { format: 'webm' })
    const small = plan('invert', CLIP, { format: 'webm', width: 320 })
    expect(webm.steps.at(-1)?.config.output).toEqual({ format: 'webm' })
    expect(plain.steps.at(-1)?.config.output).toBeUndefined()
    expect(new Set([plain, webm, small].map((p) => p.steps.at(-1)?.cacheId)).size).toBe(3)
    expect(new Set([plain, webm, small].map((p) => p.id)).size).toBe(3)
    // the source step is the same step whatever the output
    expect(webm.steps[0]?.cacheId).toBe(plain.steps[0]?.cacheId)
    // and the same choice is the same run
    expect(plan('invert', CLIP, { format: 'webm' }).id).toBe(webm.id)
  })

  it('should word every problem of a malformed choice by field', () => {
    expect(problemsOf(() => plan('invert', CLIP, { format: 'avi', fps: 500, width: 1, size: 1 }))).toEqual({
      name: 'OutputChoiceError',
      problems: [
        { path: 'output.format', code: 'bad-output', message: 'must be one of mp4, webm, gif, mov, png, jpg, got "avi"' },
        { path: 'output.width', code: 'bad-output', message: 'must be >= 2, got 1' },
        { path: 'output.fps', code: 'bad-output', message: 'must be <= 120, got 500' },
        { path: 'output.size', code: 'bad-output', message: 'unknown field "size" (known: format, width, height, fps)' }
      ]
    })
    expect(problemsOf(() => plan('invert', CLIP, 'webm'))).toEqual({
      name: 'OutputChoiceError', problems: [{ path: 'output', code: 'bad-output', message: 'must be a mapping, got "webm"' }]
    })
  })

  it('should refuse a still format for a clip and a clip format for a still, naming what fits', () => {
    const err = problemsOf(() => plan('invert', CLIP, { format: 'png' }))
    expect(err).toEqual({
      name: 'OutputChoiceError',
      problems: [{ path: 'output.format', code: 'output-mismatch', message: '"png" is a still picture format, but this run makes a clip: choose mp4, webm, gif, mov' }]
    })
    expect(problemsOf(() => plan('blur', STILL, { format: 'gif' }))).toEqual({
      name: 'OutputChoiceError',
      problems: [{ path: 'output.format', code: 'output-mismatch', message: '"gif" is a clip format, but this run makes a still picture: choose png, jpg' }]
    })
    // a temporal effect turns a still into a clip
    expect(plan('color_cycle', STILL, { format: 'gif' }).steps).toHaveLength(2)
    expect(plan('blur', STILL, { format: 'jpg' }).steps).toHaveLength(2)
    // an input whose kind is not known is not refused here (the step fails if it does not fit)
    expect(planRun({ recipe: effectRecipe('invert'), inputs: [CLIP], effects, engine: 'e1', output: { format: 'png' }, kindOf: () => undefined }).steps).toHaveLength(2)
  })

  it('should refuse effects that need motion on a still, and a choice for an output nothing renders', () => {
    expect(problemsOf(() => plan('echo', STILL))).toEqual({
      name: 'RecipeValidationError',
      problems: [{
        path: 'effect.effect',
        code: 'needs-motion',
        message: 'effect "echo" works on movement between frames; on a still picture every frame is the same and it would show nothing: give it a clip (color_cycle and strobe do work on stills)'
      }]
    })
    expect(() => plan('trails', STILL)).toThrow(RecipeValidationError)
    expect(plan('trails', CLIP).steps).toHaveLength(2)
    const sourceOnly: Recipe = { ...effectRecipe('blur'), nodes: effectRecipe('blur').nodes.slice(0, 1), output: 'input' }
    expect(() => planRun({ recipe: sourceOnly, inputs: [CLIP], effects, engine: 'e1', output: { format: 'gif' } })).toThrow(OutputChoiceError)
  })

  it('should let a step take exactly the choices the planner takes', () => {
    const accepted = [{ format: 'mp4' }, { format: 'gif', width: 2, fps: 1 }, { format: 'mov', width: 7680, height: 7680, fps: 120 }, { format: 'jpg', height: 100 }]
    const refused = [{ format: 'mp4', width: 1 }, { format: 'webm', fps: 500 }, { format: 'gif', height: 7682 }, { format: 'mp4', width: 2.5 }, { format: 'mov', size: 3 }, { format: 'avi' }, 'webm']
    for (const output of accepted) {
      expect(() => plan('invert', output.format === 'jpg' ? STILL : CLIP, output), JSON.stringify(output)).not.toThrow()
      expect(encodingFor({ output }).choice, JSON.stringify(output)).toEqual(output)
    }
    for (const output of refused) {
      expect(() => plan('invert', CLIP, output), JSON.stringify(output)).toThrow(OutputChoiceError)
      expect(() => encodingFor({ output }), JSON.stringify(output)).toThrow(/^output(\.format)?: /)
    }
  })
})

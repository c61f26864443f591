import { parseRecipe, planRun } from '../../src/dag/index.js'
import type { Cid } from '../../src/dag/ids.js'
import type { Plan } from '../../src/dag/types.js'
import { ENGINE_SALT } from '../../src/config/constants.js'
import type { EffectCatalog } from '../../src/effects/types.js'

/** A plan from recipe YAML and positional input CIDs */
export function planYaml (yaml: string, inputs: Cid[], effects: EffectCatalog): Plan {
  const parsed = parseRecipe(yaml)
  if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.path}: ${p.message}`).join('\n'))
  return planRun({ recipe: parsed.recipe, inputs, effects, engine: ENGINE_SALT })
}

/** clip -> blur (the slow, shared step) -> segment of a per-run duration */
export function sharedBlurRecipe (index: number, radius = 30): string {
  return `
name: shared-blur-${index}
dag:
  nodes:
    - id: clip
      type: SOURCE
      config: { input: true, name: clip }
    - id: blurred
      type: EFFECT
      config: { effect: blur, params: { radius: ${radius} } }
      inputs: [clip]
    - id: cut
      type: SEGMENT
      config: { offset: 0, duration: ${(0.2 + index * 0.05).toFixed(2)} }
      inputs: [blurred]
  output: cut
`
}

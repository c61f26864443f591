import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { effectRecipe, parseRecipe, planRun } from '../../src/dag/index.js'
import { createFixtureCatalog } from '../fixtures/effect-catalog.js'

const effects = createFixtureCatalog()
const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const CID_B = 'bafkreidvbhs33ighmljlvr7zbv2ywwzcmp5adtf4kqvlly67cy56bdtmve'
const ENGINE = 'test-engine'

/** The seed README's `my-effect` config, with the indentation it lost restored */
export const SEED_EXAMPLE = `name: my-effect
version: "1.0"
description: "Apply effect to user image"

registry:
  effects:
    dog:
      hash: "abc123..."

dag:
  nodes:
    - id: user_image
      type: SOURCE
      config:
        input: true  # Variable input
        name: "input_image"

    - id: apply_dog
      type: EFFECT
      config:
        effect: dog
      inputs:
        - user_image

  output: apply_dog
`

async function example (name: string): Promise<string> {
  return readFile(new URL(`../../config/recipes/${name}.yaml`, import.meta.url), 'utf8')
}

describe('parseRecipe', () => {
  it('should parse and plan the seed example', () => {
    const parsed = parseRecipe(SEED_EXAMPLE, { effects })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    expect(parsed.recipe.name).toBe('my-effect')
    expect(parsed.recipe.version).toBe('1.0')
    expect(parsed.recipe.registry.effects).toEqual({ dog: { hash: 'abc123...' } })
    expect(parsed.variableInputs).toEqual([{ nodeId: 'user_image', name: 'input_image' }])
    const plan = planRun({ recipe: parsed.recipe, inputs: { input_image: CID_A }, effects, engine: ENGINE })
    expect(plan.steps.map(s => [s.id, s.type, s.level])).toEqual([['user_image', 'SOURCE', 0], ['apply_dog', 'EFFECT', 1]])
    expect(plan.steps[1]?.config).toEqual({ effect: 'dog', params: { scale: 0.3, position: 'bottom-right' } })
    expect(plan.recipeId).toBe(parsed.recipeId)
  })

  it('should read version 1.0 written without quotes as the text "1.0"', () => {
    const parsed = parseRecipe(SEED_EXAMPLE.replace('version: "1.0"', 'version: 1.0'))
    expect(parsed.ok && parsed.recipe.version).toBe('1.0')
  })

  it('should flatten dict inputs in written order and accept a single string', async () => {
    const parsed = parseRecipe(await example('montage'), { effects })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    const byId = new Map(parsed.recipe.nodes.map(n => [n.id, n]))
    expect(byId.get('joined')?.inputs).toEqual(['a_sized', 'b_sized'])
    expect(byId.get('a_cut')?.inputs).toEqual(['clip_a'])
    expect(byId.get('ghost')?.config).toEqual({ effect: 'invert', params: { intensity: 0.6 } })
    expect(byId.get('a_sized')?.config).toEqual({ width: 320, height: 240, mode: 'fit', background: 'black' })
    expect(byId.get('joined')?.config).toEqual({
      transition: { type: 'crossfade', duration: 0.5 }, target_size: 'first', background: 'black'
    })
  })

  for (const name of ['identity', 'invert', 'dog']) {
    it(`should parse ${name}.yaml to the short form of effect ${name} under its own name, with the same step cache ids`, async () => {
      const parsed = parseRecipe(await example(name), { effects })
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
      expect(parsed.recipe).toEqual({ ...effectRecipe(name), name: `${name}-recipe` })
      const fromYaml = planRun({ recipe: parsed.recipe, inputs: [CID_A], effects, engine: ENGINE })
      const short = planRun({ recipe: effectRecipe(name), inputs: [CID_A], effects, engine: ENGINE })
      expect(fromYaml.id).not.toBe(short.id)
      expect(fromYaml.steps.map(s => s.cacheId)).toEqual(short.steps.map(s => s.cacheId))
    })
  }

  it('should refuse a recipe named after a built-in effect, naming the clash, and accept it offline without a catalog', async () => {
    const yaml = (await example('invert')).replace('name: invert-recipe', 'name: invert')
    const parsed = parseRecipe(yaml, { effects })
    expect(!parsed.ok && parsed.problems).toEqual([{
      path: 'name',
      line: 4,
      column: 7,
      code: 'reserved-name',
      message: '"invert" is the name of a built-in effect; a recipe cannot take it (run the effect as {"recipe": "invert"}, or name the recipe otherwise)'
    }])
    // stored before names were reserved: it still parses for a run by its id
    expect(parseRecipe(yaml).ok).toBe(true)
  })

  it('should plan montage.yaml with both inputs bound by name', async () => {
    const parsed = parseRecipe(await example('montage'), { effects })
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems))
    expect(parsed.variableInputs.map(v => v.name)).toEqual(['first', 'second'])
    const plan = planRun({ recipe: parsed.recipe, inputs: { first: CID_A, second: CID_B }, effects, engine: ENGINE })
    expect(plan.steps.map(s => `${s.id}@${s.level}`)).toEqual([
      'clip_a@0', 'clip_b@0', 'a_cut@1', 'b_cut@1', 'a_warm@2', 'a_sized@3', 'b_sized@2', 'joined@4', 'ghost@5', 'result@6'
    ])
    expect(new Set(plan.steps.map(s => s.cacheId)).size).toBe(10)
    expect(plan.outputStep).toBe('result')
    expect(plan.inputs).toEqual([
      { nodeId: 'clip_a', name: 'first', cid: CID_A }, { nodeId: 'clip_b', name: 'second', cid: CID_B }
    ])
  })
})

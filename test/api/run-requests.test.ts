import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecipeId } from '../../src/dag/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, expectError, type Json } from './helpers.js'

/** What config/recipes/invert.yaml held before effect names were reserved */
const INVERT_NAMED_INVERT = `name: invert
dag:
  nodes:
    - {id: input, type: SOURCE, config: {input: true, name: input}}
    - {id: effect, type: EFFECT, config: {effect: invert}, inputs: [input]}
  output: effect
`
const TINT = `name: tint-it
dag:
  nodes:
    - {id: picture, type: SOURCE, config: {input: true}}
    - {id: inv, type: EFFECT, config: {effect: invert, params: {intensity: 0.25}}, inputs: [picture]}
  output: inv
`

describe('api: what a run request names and sets is applied or refused, never dropped', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => { await t?.stop() })

  const upload = async (yaml: string) => await call(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: yaml })
  const submit = async (body: Json, wait = '') => await call(`${t.url}/runs${wait}`, { method: 'POST', json: body })

  it('should refuse a recipe named after a built-in effect, by YAML, JSON and multipart, naming the clash', async () => {
    const form = new FormData()
    form.append('file', new Blob([INVERT_NAMED_INVERT.replace('name: invert', 'name: grayscale')]), 'g.yaml')
    const answers = [
      await upload(INVERT_NAMED_INVERT),
      await call(`${t.url}/configs/upload`, { method: 'POST', json: { yaml: INVERT_NAMED_INVERT } }),
      await call(`${t.url}/configs/upload`, { method: 'POST', body: form })
    ]
    for (const [i, answer] of answers.entries()) {
      const name = i === 2 ? 'grayscale' : 'invert'
      expectError(answer, 400, 'recipe-validation', `invalid recipe (1 problem): name: "${name}" is the name of a built-in effect; a recipe cannot take it (run the effect as {"recipe": "${name}"}, or name the recipe otherwise)`)
      expect((answer.body as { details: Json[] }).details).toEqual([expect.objectContaining({ path: 'name', code: 'reserved-name' })])
    }
    expect((await call<{ total: number }>(`${t.url}/configs`)).body.total).toBe(0)
  })

  it('should give each invert intensity its own run and output, and run the effect even where an older recipe took its name', async () => {
    // stored before names were reserved: a "grayscale" that inverts, and an "invert"
    const now = new Date().toISOString()
    for (const [id, name] of [['1'.repeat(64), 'grayscale'], ['2'.repeat(64), 'invert']] as const) {
      await t.node.state.recipes.put({ id: id as RecipeId, name, yaml: INVERT_NAMED_INVERT.replace('name: invert', `name: ${name}`), variableInputs: [{ nodeId: 'input', name: 'input' }], createdAt: now })
    }
    const intensities = Array.from({ length: 17 }, (_, i) => i / 16)
    const runs: Json[] = []
    for (let i = 0; i < intensities.length; i += 6) {
      runs.push(...await Promise.all(intensities.slice(i, i + 6).map(async (intensity) => {
        const res = await submit({ recipe: 'invert', inputs: ['cat'], params: { intensity } }, '?wait=120')
        expect(res.status, String(intensity)).toBe(201)
        return res.body
      })))
    }
    expect(runs.map((r) => r.status)).toEqual(intensities.map(() => 'completed'))
    expect(runs.every((r) => r.recipeName === 'invert' && r.recipeId === undefined)).toBe(true)
    expect(new Set(runs.map((r) => r.id)).size).toBe(17)
    const effectSteps = runs.map((r) => (r.steps as Json[])[1])
    expect(new Set(effectSteps.map((s) => s?.cacheId)).size).toBe(17)
    expect(new Set(runs.map((r) => r.outputCid)).size).toBe(17)
    // the same intensity again is the same run
    expect((await submit({ recipe: 'invert', inputs: ['cat'], params: { intensity: 0.5 } })).body.id).toBe(runs[8]?.id)
    const gray = await submit({ recipe: 'grayscale', inputs: ['cat'] }, '?wait=120')
    expect(gray.body).toMatchObject({ status: 'completed', recipeName: 'grayscale', steps: [expect.anything(), expect.objectContaining({ effect: expect.objectContaining({ name: 'grayscale' }) })] })
    expect(gray.body.recipeId).toBeUndefined()
    // the older recipe is still reachable by its id
    const byId = await submit({ recipe: '1'.repeat(64), inputs: ['cat'] }, '?wait=120')
    expect(byId.body).toMatchObject({ status: 'completed', recipeName: 'grayscale', recipeId: '1'.repeat(64), outputCid: runs[16]?.outputCid })
  })

  it('should refuse params for a stored recipe, naming them, by /runs and /configs/{id}/run', async () => {
    expect((await upload(TINT)).status).toBe(201)
    const message = 'params: recipe "tint-it" declares no params, so "intensity", "x" cannot be set (known: none; a recipe fixes its effects\' params in its YAML: upload a variant, or run one effect by name with params)'
    expectError(await submit({ recipe: 'tint-it', inputs: ['cat'], params: { intensity: 0.2, x: 1 } }), 400, 'unknown-param', message)
    expectError(await call(`${t.url}/configs/tint-it/run`, { method: 'POST', json: { inputs: ['cat'], params: { intensity: 0.2, x: 1 } } }), 400, 'unknown-param', message)
    expectError(await submit({ recipe: 'invert', inputs: ['cat'], params: { intensty: 0.2 } }), 400, 'recipe-validation',
      'invalid recipe (1 problem): dag.nodes[1].config.params.intensty: effect "invert" has no parameter "intensty" (known: intensity)')
    // no params, or empty ones, run it
    expect((await submit({ recipe: 'tint-it', inputs: ['cat'], params: {} }, '?wait=120')).body.status).toBe('completed')
  })

  it('should answer an existing run with the output name it was created with, and refuse another one with a 409', async () => {
    const first = await submit({ recipe: 'sepia', inputs: ['cat'], output_name: 'mine' }, '?wait=120')
    expect(first.status).toBe(201)
    expect(first.body.outputName).toBe('mine')
    expect((await submit({ recipe: 'sepia', inputs: ['cat'], output_name: 'mine' })).status).toBe(200)
    expect((await submit({ recipe: 'sepia', inputs: ['cat'] })).body.outputName).toBe('mine')
    expectError(await submit({ recipe: 'sepia', inputs: ['cat'], output_name: 'theirs' }), 409, 'output-name-conflict',
      `output_name: run ${String(first.body.id)} exists with the output name "mine", given by the request that created it; send that output_name or none to get the run`)
    const unnamed = await submit({ recipe: 'sepia', inputs: ['cat-clip'] })
    expectError(await submit({ recipe: 'sepia', inputs: ['cat-clip'], output_name: 'late' }), 409, 'output-name-conflict',
      `output_name: run ${String(unnamed.body.id)} exists with no output name, given by the request that created it; send that output_name or none to get the run`)
    expect((await call(`${t.url}/runs/${String(first.body.id)}`)).body.outputName).toBe('mine')
  })

  it('should refuse output names with control characters or over 128 characters, naming the field', async () => {
    const cases: Array<[string, string]> = [
      ['a\u001b[2J', 'output_name holds the control character U+001B at position 1; only printable characters are allowed'],
      ['nul\u0000', 'output_name holds the control character U+0000 at position 3; only printable characters are allowed'],
      ['two\nlines', 'output_name holds the control character U+000A at position 3; only printable characters are allowed'],
      ['\u202Egnp.exe', 'output_name holds the control character U+202E at position 0; only printable characters are allowed'],
      ['x'.repeat(5000), 'output_name is 5000 characters long; at most 128 are allowed']
    ]
    for (const [name, message] of cases) {
      expectError(await submit({ recipe: 'blur', inputs: ['cat'], output_name: name }), 400, 'invalid-name', message)
      expectError(await call(`${t.url}/configs/tint-it/run`, { method: 'POST', json: { inputs: ['cat'], output_name: name } }), 400, 'invalid-name', message)
    }
    expect((await call<{ items: Json[] }>(`${t.url}/runs?limit=1000`)).body.items.some((r) => r.recipeName === 'blur')).toBe(false)
  })
})

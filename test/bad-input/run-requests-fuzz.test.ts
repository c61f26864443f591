import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINE_SALT } from '../../src/config/constants.js'
import { effectRecipe, parseRecipe, planRun } from '../../src/dag/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { Tally } from './harness.js'

const SEED = 20261204
const REQUESTS = bySuite(200, 800)
const RECIPE = `name: tint-it
dag:
  nodes:
    - {id: picture, type: SOURCE, config: {input: true}}
    - {id: inv, type: EFFECT, config: {effect: invert, params: {intensity: 0.25}}, inputs: [picture]}
  output: inv
`

/** Any text, with the characters hostile names carry, sometimes long */
const text = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc.constantFrom('\u202Eevil', 'a\u001b[31m', 'nul\u0000', 'two\nlines', 'tab\tx', 'ok name', 'ŵ'.repeat(128), 'ŵ'.repeat(129), 'x'.repeat(5000)),
  fc.constant('mine')
)

interface Request {
  recipe: string
  params?: Record<string, unknown>
  output_name?: string
}

/** Effects with their declared params (and values in and out of range), a stored recipe by name and id, unknown names */
const request = (recipeId: string): fc.Arbitrary<Request> => fc.record({
  recipe: fc.oneof({ arbitrary: fc.constantFrom('invert', 'sepia', 'blur', 'tint-it', recipeId), weight: 3 }, { arbitrary: text, weight: 1 }),
  params: fc.option(fc.oneof(
    fc.constant({}),
    fc.record({ intensity: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(2, -1, 'x')) }),
    fc.record({ radius: fc.integer({ min: -5, max: 60 }) }),
    fc.dictionary(text, fc.integer(), { minKeys: 1, maxKeys: 2 })
  ), { nil: undefined }),
  output_name: fc.option(text, { nil: undefined })
}, { requiredKeys: ['recipe'] })

describe('bad input: run requests never drop what they set', () => {
  let t: TestNode
  let recipeId: string
  let catCid: string
  beforeAll(async () => {
    // no workers: the run records are what is checked, nothing needs to render
    t = await startTestNode({ workers: 0 })
    const up = await fetch(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: RECIPE })
    recipeId = (await up.json() as { id: string }).id
    catCid = (await t.node.state.assets.get('cat'))?.cid ?? ''
  })
  afterAll(async () => { await t?.stop() })

  /** The run id a request must get when it is applied: its recipe (with its params) on the cat picture */
  function expectedRunId (req: Request): string | undefined {
    const effect = t.node.effects.get(req.recipe) != null
    const parsed = parseRecipe(RECIPE)
    if (!parsed.ok) throw new Error('the fixture recipe does not parse')
    const recipe = effect ? effectRecipe(req.recipe, req.params ?? {}) : parsed.recipe
    try {
      return planRun({ recipe, inputs: [catCid], effects: t.node.effects, engine: ENGINE_SALT }).id
    } catch {
      return undefined
    }
  }

  it('should apply every recipe, params and output_name it accepts (the run record shows them) and refuse the rest naming the field', async () => {
    const tally = new Tally('run requests')
    const named = new Map<string, string | undefined>() // run id -> the output name it was created with
    const requests = fc.sample(request(recipeId), { numRuns: REQUESTS, seed: SEED })
    const problems: string[] = []
    const answers = new Map<string, number>() // status and error id -> count
    // one at a time: whether a run exists decides between 200 and 409, so the order must be the order sent
    for (const req of requests) {
      const answer = await tally.send(t.url, { label: 'run', method: 'POST', path: '/runs', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...req, inputs: ['cat'] }), status: undefined })
      const where = `${JSON.stringify(req).slice(0, 300)} -> ${answer.status} ${answer.text.slice(0, 200)}`
      const body = answer.json ?? {}
      const kind = `${answer.status}${typeof body.error === 'string' ? ` ${body.error}` : ''}`
      answers.set(kind, (answers.get(kind) ?? 0) + 1)
      if (answer.status === 400 || answer.status === 404 || answer.status === 409) {
        tally.mismatches.pop() // a refusal is an expected answer here; whether it names the field is checked below
        const message = String(body.message)
        const field = body.error === 'invalid-name' || body.error === 'output-name-conflict'
          ? message.startsWith('output_name')
          : body.error === 'unknown-param' || body.error === 'recipe-validation'
            ? Object.keys(req.params ?? {}).some((k) => message.includes(`"${k}"`)) || /params|intensity|radius/.test(message)
            : body.error === 'invalid-request'
              ? /^invalid run request: (recipe|params|output_name)\b/.test(message)
              : body.error === 'recipe-not-found' && message === `unknown recipe or effect "${req.recipe}"`
        if (!field) problems.push(`refusal does not name the field: ${where}`)
        continue
      }
      if (answer.status !== 200 && answer.status !== 201) {
        problems.push(`neither applied nor refused: ${where}`)
        continue
      }
      tally.mismatches.pop()
      const id = String(body.id)
      if (id !== expectedRunId(req)) problems.push(`run id is not the plan of what was sent: ${where}`)
      const isEffect = t.node.effects.get(req.recipe) != null
      if (body.recipeName !== (isEffect ? req.recipe : 'tint-it')) problems.push(`wrong recipe: ${where}`)
      if (!isEffect && Object.keys(req.params ?? {}).length > 0) problems.push(`params for a stored recipe accepted: ${where}`)
      if (!named.has(id)) named.set(id, req.output_name)
      if (req.output_name !== undefined && body.outputName !== req.output_name) problems.push(`output_name dropped: ${where}`)
      if (body.outputName !== named.get(id)) problems.push(`output name changed: ${where}`)
    }
    process.stdout.write(`run requests: ${JSON.stringify(Object.fromEntries([...answers].sort()))}\n`)
    expect(problems).toEqual([])
    // every branch was taken: applied (new and existing runs), refused for the name, the params, the recipe, the conflict
    for (const kind of ['200', '201', '400 invalid-name', '400 unknown-param', '400 recipe-validation', '404 recipe-not-found', '409 output-name-conflict']) {
      expect(answers.get(kind), kind).toBeGreaterThan(0)
    }
    expect(tally.cases).toBe(REQUESTS)
    tally.done()
  })
})

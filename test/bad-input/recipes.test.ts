import fc from 'fast-check'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { CLI, ensureBuilt, NODE24, run } from '../cli/run-cli.js'
import { randomRecipe, recipeDoc, type RandomRecipe } from '../dag/arbitraries.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { inBatches, Tally } from './harness.js'
import { corruptions, type Corrupted } from './recipe-corruptions.js'

const SEED = 20261124
const RECIPES = bySuite(240, 720)
const TEXTS = bySuite(60, 160)
const RUNS = bySuite(60, 160)

/** Arbitrary text: random code points, and YAML-looking soup of indicators, anchors and tags */
const yamlText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 400 }),
  fc.array(fc.constantFrom('name: x', 'dag:', '  nodes:', '  - id: a', '    type: EFFECT', '&a', '*a', '!!binary', '{', '[', ']', '}', '"', "'", ':', '- ', '\t', '\n', '---', '...', '%YAML 1.1', '? ', '|', '>', '#'), { minLength: 1, maxLength: 60 })
    .map((parts) => parts.join(''))
)

/** A short name of any script, with the bidi overrides, quotes and angle brackets hostile names carry */
const nameText = fc.oneof(
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }),
  fc.constantFrom('\u202Eevil\u202C', '<script>x</script>', '"\'`', '💥🎨', 'ä\u0301', 'a b', 'ﷺ', '\u0000nul')
)

interface RunCase { body: Record<string, unknown>, status: number, error: string, message: RegExp }

const runCase: fc.Arbitrary<RunCase> = fc.tuple(fc.nat({ max: 2 }), nameText, fc.constantFrom('invert', 'blur', 'rotate', 'sepia')).map(([kind, name, effect]) => {
  if (kind === 0) return { body: { recipe: `no-such-${name}`, inputs: ['cat'] }, status: 404, error: 'recipe-not-found', message: exact(`unknown recipe or effect "no-such-${name}"`) }
  if (kind === 1) return { body: { recipe: effect, inputs: ['cat'], params: { [`x-${name}`]: 1 } }, status: 400, error: 'recipe-validation', message: new RegExp(`has no parameter "${escapeRe(`x-${name}`)}" \\(known: `) }
  return { body: { recipe: effect, inputs: [`ghost-${name}`] }, status: 400, error: 'unknown-input', message: exact(`inputs[0]: "ghost-${name}" is neither a CID nor a known asset name`) }
})

function escapeRe (s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

function exact (s: string): RegExp {
  return new RegExp(`^${escapeRe(s)}$`)
}

describe('bad input: recipes', () => {
  let t: TestNode
  const tally = new Tally('recipes')
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => { await t?.stop() })

  it('should refuse every structurally valid but wrong recipe with a 400 naming the problem, by YAML and by JSON', async () => {
    const samples = fc.sample(fc.tuple(randomRecipe, fc.nat({ max: corruptions.length - 1 }), fc.boolean(), nameText, fc.double({ min: 51, max: 1e308, noNaN: true })), { numRuns: RECIPES, seed: SEED })
    await inBatches(t.url, samples, 8, async ([random, which, asJson, name, huge]: [RandomRecipe, number, boolean, string, number]) => {
      const corrupt = corruptions[which]
      if (corrupt == null) throw new Error(`no corruption ${which}`)
      const bad: Corrupted = corrupt.apply(structuredClone(random.recipe), name, huge)
      const yaml = stringify(recipeDoc(bad.recipe))
      const answer = await tally.send(t.url, {
        label: corrupt.name,
        method: 'POST',
        path: '/configs/upload',
        headers: { 'content-type': asJson ? 'application/json' : 'text/yaml' },
        body: asJson ? JSON.stringify({ yaml }) : yaml,
        status: 400,
        error: 'recipe-validation',
        message: /^invalid recipe \(\d+ problems?\): /
      })
      const details = (answer.json?.details ?? []) as Array<{ code: string, message: string }>
      if (!details.some((p) => p.code === bad.code && bad.message.test(p.message))) {
        tally.mismatches.push(`${corrupt.name}: expected ${bad.code} ${String(bad.message)}, got ${JSON.stringify(details).slice(0, 300)}`)
      }
    })
    tally.done()
  })

  it('should answer arbitrary text posted as a recipe with a 400 recipe-validation error', async () => {
    const texts = fc.sample(yamlText, { numRuns: TEXTS, seed: SEED })
    const own = new Tally('recipe texts')
    await inBatches(t.url, texts, 8, async (text) => {
      await own.send(t.url, { label: 'text', method: 'POST', path: '/configs/upload', headers: { 'content-type': 'text/yaml' }, body: text, status: 400, error: 'recipe-validation', message: /^invalid recipe \(\d+ problems?\): / })
    })
    own.done()
  })

  it('should refuse runs of unknown recipes, unknown params and unknown input names with the name in the message', async () => {
    const cases = fc.sample(runCase, { numRuns: RUNS, seed: SEED })
    const own = new Tally('runs')
    await inBatches(t.url, cases, 8, async (c) => {
      await own.send(t.url, { label: 'run', method: 'POST', path: '/runs', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c.body), status: c.status, error: c.error, message: c.message })
    })
    own.done()
    const runs = await (await fetch(`${t.url}/runs`)).json() as { runs?: unknown[] }
    expect(runs.runs ?? []).toEqual([])
  })

  it('should refuse a megabyte of nested [ in milliseconds, naming the limit, while /health keeps answering', async () => {
    const upload = async (body: string, type = 'text/yaml'): Promise<{ status: number, json: Record<string, unknown>, ms: number }> => {
      const start = performance.now()
      const res = await fetch(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': type }, body })
      return { status: res.status, json: await res.json() as Record<string, unknown>, ms: performance.now() - start }
    }
    const mib = '['.repeat(1024 * 1024)
    const deep = `name: x\ndag: ${'['.repeat(120 * 1024)}`
    const health = async (): Promise<number> => {
      const start = performance.now()
      expect((await fetch(`${t.url}/health`)).status).toBe(200)
      return performance.now() - start
    }
    // four hostile uploads in flight, and /health asked while they are
    const pending = [upload(mib), upload(deep), upload(JSON.stringify({ yaml: mib.slice(64) }), 'application/json'), upload(mib)]
    const healthMs = await health()
    const answers = await Promise.all(pending)
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(answer.json.error).toBe('recipe-validation')
    }
    expect(answers[0]?.json.message).toBe('invalid recipe (1 problem): yaml: the recipe is 1048576 bytes; at most 131072 are allowed')
    expect(answers[1]?.json.message).toBe('invalid recipe (1 problem): line 2, column 36: nesting deeper than 32 levels ([, { and indentation together); at most 32 are allowed')
    // before the limits, each of these held the event loop for seconds (3.4-3.8 s per request on an idle node)
    expect(Math.max(...answers.map((a) => a.ms))).toBeLessThan(1500)
    expect(healthMs).toBeLessThan(1000)
  })

  it('should exit 2 from artdag validate listing the cycle and the unknown effect of a recipe file', async () => {
    await ensureBuilt()
    const dir = await mkdtemp(join(tmpdir(), 'artdag-bad-recipe-'))
    try {
      const file = join(dir, 'bad.yaml')
      await writeFile(file, 'name: bad\ndag:\n  nodes:\n    - {id: in, type: SOURCE, config: {input: true, name: in}}\n' +
        '    - {id: a, type: EFFECT, config: {effect: invert}, inputs: [b]}\n    - {id: b, type: EFFECT, config: {effect: "no-such"}, inputs: [a]}\n  output: b\n')
      const result = await run(NODE24, [CLI, 'validate', file])
      expect(result.code).toBe(2)
      expect(result.stdout).toContain('dag.nodes[2].config.effect: unknown effect "no-such" (known: blur, brightness,')
      expect(result.stdout).toMatch(/dag\.nodes\[\d\]\.inputs\[0\]: cycle: (a -> b -> a|b -> a -> b)\n/)
      expect(result.stderr).toBe(`artdag: ${file}: 2 problems\n`)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

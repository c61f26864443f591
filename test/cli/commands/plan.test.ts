import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { registerPlanCommand, runPlan } from '../../../src/cli/commands/plan.js'
import { runValidate, registerValidateCommand } from '../../../src/cli/commands/validate.js'
import { effectRecipe, planRun } from '../../../src/dag/index.js'
import { createFixtureCatalog } from '../../fixtures/effect-catalog.js'
import type { Plan } from '../../../src/dag/index.js'

const effects = createFixtureCatalog()
const A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
const B = 'bafkreidvbhs33ighmljlvr7zbv2ywwzcmp5adtf4kqvlly67cy56bdtmve'
const MONTAGE = new URL('../../../config/recipes/montage.yaml', import.meta.url).pathname

function capture (): { deps: { effects: () => typeof effects, engine: string, stdout: (t: string) => void, stderr: (t: string) => void }, out: string[], err: string[] } {
  const out: string[] = []
  const err: string[] = []
  return { deps: { effects: () => effects, engine: 'e1', stdout: t => { out.push(t) }, stderr: t => { err.push(t) } }, out, err }
}

let dir: string
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'artdag-cli-plan-')) })
afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

describe('plan command', () => {
  it('should print the plan of an effect with typed params', async () => {
    const c = capture()
    expect(await runPlan('invert', { input: [A], param: ['intensity=0.5'] }, c.deps)).toEqual({ code: 0 })
    const plan = JSON.parse(c.out.join('')) as Plan
    expect(plan).toEqual(planRun({ recipe: effectRecipe('invert', { intensity: 0.5 }), inputs: [A], effects, engine: 'e1' }))
  })

  it('should plan a recipe file with named inputs', async () => {
    const c = capture()
    expect(await runPlan(MONTAGE, { input: [`first=${A}`, `second=${B}`] }, c.deps)).toEqual({ code: 0 })
    const plan = JSON.parse(c.out.join('')) as Plan
    expect(plan.steps).toHaveLength(10)
    expect(plan.inputs.map(i => i.cid)).toEqual([A, B])
  })

  it('should print every problem and return 2 for bad inputs or params', async () => {
    const c = capture()
    expect(await runPlan(MONTAGE, { input: [`first=${A}`] }, c.deps)).toEqual({ code: 2, summary: '1 problem in the inputs', error: 'input-binding', details: [expect.objectContaining({ path: 'inputs.second' })] })
    expect(c.err.join('')).toBe('inputs.second: variable input "second" (node "clip_b") is not bound\n')
    const d = capture()
    expect(await runPlan('invert', { input: [A], param: ['intensity=lots'] }, d.deps)).toEqual({ code: 2, summary: '1 problem in the recipe', error: 'recipe-validation', details: [expect.objectContaining({ code: expect.any(String) })] })
    expect(d.err.join('')).toBe('dag.nodes[1].config.params.intensity: parameter "intensity" must be a number, got "lots"\n')
  })

  it('should print the problems of a recipe file with their place in it', async () => {
    const file = join(dir, 'plan-bad.yaml')
    await writeFile(file, 'name: bad\ndag:\n  nodes:\n    - {id: a, type: SOURCE, config: {input: true}}\n    - {id: b, type: EFFECT, inputs: [a], config: {effect: sparkle}}\n  output: b\n')
    const c = capture()
    expect(await runPlan(file, { input: [A] }, c.deps)).toMatchObject({ code: 2, summary: `${file}: 1 problem`, error: 'recipe-validation' })
    expect(c.err.join('')).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: dag\\.nodes\\[1\\]\\.config\\.effect: [^\n]*sparkle[^\n]*\n$`))
  })

  it('should reject malformed options and unknown targets with code 2', async () => {
    const c = capture()
    expect(await runPlan('sparkle', { input: [A] }, c.deps)).toEqual({ code: 2, summary: '"sparkle" is neither a recipe file nor a known effect' })
    expect(await runPlan('invert', { input: [A, `x=${B}`] }, c.deps)).toEqual({ code: 2, summary: '--input: use either name=CID for every input or bare CIDs in order, not both' })
    expect(await runPlan('invert', { input: [A], param: ['=1'] }, c.deps)).toEqual({ code: 2, summary: '--param "=1": expected name=value' })
    expect(await runPlan(MONTAGE, { input: [A, B], param: ['a=1'] }, c.deps)).toEqual({ code: 2, summary: '--param applies to an effect name only; set params in the recipe file' })
    expect(await runPlan(join(dir, 'missing.yaml'), {}, c.deps)).toEqual({ code: 2, summary: `${join(dir, 'missing.yaml')}: cannot read the recipe (no such file)` })
  })

  it('should run through commander and fail with the exit code', async () => {
    const c = capture()
    const program = new Command('artdag').exitOverride()
    registerPlanCommand(program, c.deps)
    await program.parseAsync(['plan', 'blur', '-i', A, '-p', 'radius=3'], { from: 'user' })
    expect((JSON.parse(c.out.join('')) as Plan).steps[1]?.config).toEqual({ effect: 'blur', params: { radius: 3 } })
    await expect(program.parseAsync(['plan', 'blur'], { from: 'user' })).rejects.toMatchObject({ name: 'CliError', exitCode: 2 })
  })
})

describe('validate command', () => {
  it('should print ok and the recipe id of a valid recipe', async () => {
    const c = capture()
    expect(await runValidate(MONTAGE, {}, c.deps)).toEqual({ code: 0 })
    expect(c.out.join('')).toMatch(/^ok [0-9a-f]{64}\n$/)
  })

  it('should print every problem as file:line:col: path: message and return 2', async () => {
    const file = join(dir, 'bad.yaml')
    await writeFile(file, 'name: bad\ndag:\n  nodes:\n    - {id: a, type: SOURCE, config: {input: true}}\n    - {id: b, type: BLEND, inputs: [a, x], config: {mode: glow}}\n  output: c\n')
    const c = capture()
    expect(await runValidate(file, {}, c.deps)).toEqual({ code: 2, summary: `${file}: 3 problems`, error: 'recipe-validation', details: expect.any(Array) })
    expect(c.out.join('')).toBe([
      `${file}:5:40: dag.nodes[1].inputs[1]: unknown node "x"`,
      `${file}:5:59: dag.nodes[1].config.mode: must be one of multiply, screen, overlay, add, subtract, average, difference, lighten, darken, got "glow"`,
      `${file}:6:11: dag.output: unknown node "c"`,
      ''
    ].join('\n'))
  })

  it('should print a YAML syntax problem at its place, without repeating the place as a path', async () => {
    const file = join(dir, 'tabs.yaml')
    await writeFile(file, 'name: x\ndag: [\n')
    const c = capture()
    expect(await runValidate(file, {}, c.deps)).toMatchObject({ code: 2, error: 'recipe-validation' })
    expect(c.out.join('')).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1: [^:\n]+\n$`))
  })

  it('should leave the problems to the error with --json, so they are printed once', async () => {
    const file = join(dir, 'syntax.yaml')
    await writeFile(file, 'name: [\n')
    const c = capture()
    const program = new Command('artdag').option('--json').exitOverride()
    registerValidateCommand(program, c.deps)
    const failure = await program.parseAsync(['--json', 'validate', file], { from: 'user' }).catch((e: unknown) => e)
    expect(failure).toMatchObject({ name: 'CliError', exitCode: 2, code: 'recipe-validation', message: `${file}: 1 problem` })
    expect((failure as { details: Array<{ code: string }> }).details[0]?.code).toBe('yaml-syntax')
    expect(c.out.join('')).toBe('')
  })

  it('should give every problem as a JSON object with its line and column with --json', async () => {
    const file = join(dir, 'bad-json.yaml')
    await writeFile(file, 'name: bad\ndag:\n  nodes:\n    - {id: a, type: SOURCE, config: {input: true}}\n  output: c\n')
    const c = capture()
    expect(await runValidate(file, { json: true }, c.deps)).toEqual({
      code: 2, summary: `${file}: 1 problem`, error: 'recipe-validation',
      details: [{ path: 'dag.output', code: 'unknown-output', message: 'unknown node "c"', line: 5, column: 11 }]
    })
    expect(c.out.join('')).toBe('')
  })
})

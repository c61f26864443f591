import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanId, RecipeId } from '../../src/dag/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { CLIENT, ensureBuilt, NODE24, run, type CliResult } from './run-cli.js'

/** A name stored before names were checked: sets the terminal title, colours, forges a line, reverses text */
const HOSTILE = '\u001b]0;pwned\u0007\u001b[31mred\u0000\r\nforged-line \u202Eevil\u202C\u009b2J'
/** what must never reach the terminal: C0/C1 controls but newline, bidi controls */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/
const SHOWN = '\\x1b]0;pwned\\x07\\x1b[31mred\\x00\\x0d\\x0aforged-line \\u202eevil\\u202c\\x9b2J'

describe('artdag CLI: what the server sends is escaped for the terminal', () => {
  let t: TestNode
  let dir: string
  let env: Record<string, string>
  const artdag = async (...args: string[]): Promise<CliResult> => await run(NODE24, [CLIENT, '--server', t.url, ...args], env)
  const recipeId = 'ab'.repeat(32) as RecipeId
  const runId = 'cd'.repeat(32) as PlanId

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-cli-term-'))
    env = { HOME: dir, ARTDAG_CLI_CONFIG: join(dir, 'cli.json'), ARTDAG_SERVER: '', ARTDAG_TOKEN: '' }
    await Promise.all([ensureBuilt(), startTestNode().then((node) => { t = node })])
    const now = new Date().toISOString()
    // older data, written straight into the state as it was before names were checked
    await t.node.state.recipes.put({
      id: recipeId, name: HOSTILE, description: HOSTILE, yaml: `name: x # ${HOSTILE}\n`,
      variableInputs: [{ nodeId: 'in', name: HOSTILE }], createdAt: now
    })
    await t.node.state.runs.create({
      id: runId, status: 'failed', recipeName: HOSTILE, outputName: HOSTILE, error: HOSTILE,
      inputs: [{ name: HOSTILE, cid: 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as never }],
      steps: [], createdAt: now, updatedAt: now
    })
  }, 300_000)
  afterAll(async () => {
    await t?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should print stored names escaped, one line each, in recipes ls / show and runs ls / show', async () => {
    const ls = await artdag('recipes', 'ls')
    expect(ls.code).toBe(0)
    expect(ls.stdout).not.toMatch(RAW)
    expect(ls.stdout).toBe(`${recipeId}  ${SHOWN}  inputs: ${SHOWN}\n`)
    const show = await artdag('recipes', 'show', recipeId)
    expect(show.stdout).not.toMatch(RAW)
    // a recipe's YAML keeps its line breaks, and nothing else
    expect(show.stdout).toBe(`# ${SHOWN} (${recipeId})\nname: x # ${SHOWN.replace('\\x0a', '\n')}\n`)
    const runs = await artdag('runs', 'ls')
    expect(runs.stdout).not.toMatch(RAW)
    expect(runs.stdout.split('\n')[0]).toBe(`${runId}  failed     ${SHOWN}    ${SHOWN}`)
    const shown = await artdag('runs', 'show', runId)
    expect(shown.stdout).not.toMatch(RAW)
    expect(shown.stdout.split('\n')).toEqual([
      `run ${runId}`, '  status   failed', `  recipe   ${SHOWN}`,
      `  input    ${SHOWN} = bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy`,
      `  name     ${SHOWN}`, `  error    ${SHOWN}`, ''
    ])
  })

  it('should keep --json output valid JSON with the bidi controls escaped', async () => {
    const json = await artdag('--json', 'recipes', 'show', recipeId)
    expect(json.stdout).not.toMatch(RAW)
    expect(JSON.parse(json.stdout)).toMatchObject({ name: HOSTILE, description: HOSTILE })
  })

  it('should escape server error messages that quote what was sent', async () => {
    // argv cannot carry NUL
    const result = await artdag('render', HOSTILE.replace('\u0000', ''), 'cat')
    expect(result.code).toBe(5)
    expect(result.stderr).not.toMatch(RAW)
    expect(result.stderr).toBe(`artdag: unknown recipe or effect "${SHOWN.replace('\\x00', '')}"\n`)
  })
})

import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { CLIENT, CLI, ensureBuilt, NODE24, run, type CliResult } from './run-cli.js'

/** The client commands a user types, each against a real node: the defects found by trying them */
describe('artdag client commands', () => {
  let open: WebNode
  let locked: WebNode
  let dir: string
  let env: Record<string, string>
  const artdag = async (...args: string[]): Promise<CliResult> => await run(NODE24, [CLIENT, '--server', open.url, ...args], env)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-cli-cmds-'))
    env = { HOME: dir, ARTDAG_CLI_CONFIG: join(dir, 'cli.json'), ARTDAG_SERVER: '', ARTDAG_TOKEN: '' }
    await Promise.all([
      ensureBuilt(),
      startWebNode().then((node) => { open = node }),
      startWebNode({ authMode: 'local' }).then((node) => { locked = node })
    ])
  }, 300_000)
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop()])
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should refuse a wrong token at login and save nothing, and save a good one', async () => {
    const wrong = await run(NODE24, [CLIENT, '--server', locked.url, 'login', 'not-the-token'], env)
    expect(wrong.code).toBe(4)
    expect(wrong.stderr).toMatch(/^artdag: .*\(nothing saved\)\n$/)
    expect(wrong.stdout).toBe('')
    expect(existsSync(join(dir, 'cli.json'))).toBe(false)
    const good = await run(NODE24, [CLIENT, '--server', locked.url, 'login', locked.adminToken as string], env)
    expect(good.stderr).toBe('')
    expect(good.code).toBe(0)
    expect(good.stdout).toMatch(/^saved to .*cli\.json \(logged in as /)
    expect(JSON.parse(await readFile(join(dir, 'cli.json'), 'utf8'))).toEqual({ token: locked.adminToken, server: locked.url })
    await rm(join(dir, 'cli.json'))
  })

  it('should take the short run ids it shows, and cancel a run', async () => {
    const submitted = await artdag('render', 'invert', 'cat', '-p', `intensity=0.${Date.now() % 1000}1`)
    expect(submitted.code).toBe(0)
    const id = submitted.stdout.split(' ')[0] as string
    const shown = await artdag('--json', 'runs', 'show', id.slice(0, 12))
    expect(shown.stderr).toBe('')
    expect(JSON.parse(shown.stdout).id).toBe(id)
    const none = await artdag('runs', 'show', 'ffffffff0000')
    expect(none.code).toBe(5)
    expect(none.stderr).toBe('artdag: no run id starts with ffffffff0000\n')
    const tooShort = await artdag('runs', 'show', id.slice(0, 4))
    expect(tooShort.code).toBe(2)

    // with the workers stopped a run stays pending until it is cancelled
    await open.node.workers.stop()
    try {
      const stuck = await artdag('render', 'invert', 'cat-clip')
      expect(stuck.code).toBe(0)
      const stuckId = stuck.stdout.split(' ')[0] as string
      const cancelled = await artdag('runs', 'cancel', stuckId.slice(0, 10))
      expect(cancelled.stderr).toBe('')
      expect(cancelled.stdout.trim()).toBe(`${stuckId} cancelled`)
      expect((await open.node.state.runs.get(stuckId as never))?.status).toBe('cancelled')
    } finally {
      await open.node.workers.start()
    }
  })

  it('should pass -p, -o and --name with `recipes run`, and render a local recipe file', async () => {
    const file = join(process.cwd(), 'config', 'recipes', 'invert.yaml')
    const rendered = await artdag('render', file, 'dog', '--sync')
    expect(rendered.stderr).toBe('')
    expect(rendered.code).toBe(0)
    const cid = rendered.stdout.trim()
    expect((await open.node.state.runs.list({ offset: 0, limit: 50 })).items.find((r) => r.outputCid === cid)?.recipeName).toBe('invert-recipe')

    const out = join(dir, 'inverted.png')
    const ran = await artdag('recipes', 'run', 'invert-recipe', 'cat', '--name', 'negative cat', '-o', out)
    expect(ran.stderr).toBe('')
    expect(ran.code).toBe(0)
    const catCid = ran.stdout.trim()
    expect(catCid).not.toBe(cid)
    expect((await readFile(out)).subarray(1, 4).toString()).toBe('PNG')
    const named = (await open.node.state.runs.list({ offset: 0, limit: 50 })).items.find((r) => r.outputCid === catCid && r.recipeName === 'invert-recipe')
    expect(named?.outputName).toBe('negative cat')

    // a stored recipe has no params of its own: -p reaches the node, which names what it refuses
    const withParam = await artdag('recipes', 'run', 'invert-recipe', 'cat', '-p', 'intensity=0.5')
    expect(withParam.code).toBe(2)
    expect(withParam.stderr).toContain('intensity')
  })

  it('should check -o before submitting, write `-` to stdout, and name downloads by their type', async () => {
    const missing = join(dir, 'no', 'such', 'dir', 'out.png')
    const before = (await open.node.state.runs.list({ offset: 0, limit: 1 })).total
    const refused = await artdag('render', 'grayscale', 'dog', '-o', missing)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(`artdag: cannot write ${missing}: the directory ${join(dir, 'no', 'such', 'dir')} does not exist\n`)
    expect((await open.node.state.runs.list({ offset: 0, limit: 1 })).total).toBe(before)

    const cat = (await open.node.state.assets.get('cat'))?.cid as string
    const piped = await run(NODE24, [CLIENT, '--server', open.url, 'cache', 'get', cat, '-'], env)
    expect(piped.code).toBe(0)
    expect(piped.stdout.slice(1, 4)).toBe('PNG')
    expect(existsSync(join(process.cwd(), '-'))).toBe(false)

    const work = await mkdtemp(join(dir, 'get-'))
    const named = await run(NODE24, [CLIENT, '--server', open.url, 'cache', 'get', cat], env, 60_000, work)
    expect(named.code).toBe(0)
    expect(await readdir(work)).toEqual([`${cat}.png`])
  })

  it('should plan with asset names looked up on the node, and name no class in its errors', async () => {
    const cat = (await open.node.state.assets.get('cat'))?.cid as string
    const planned = await run(NODE24, [CLI, '--server', open.url, 'plan', 'invert', '-i', 'cat'], env)
    expect(planned.stderr).toBe('')
    expect(planned.code).toBe(0)
    expect(JSON.parse(planned.stdout).inputs[0].cid).toBe(cat)
    const unknown = await run(NODE24, [CLI, '--server', open.url, 'plan', 'invert', '-i', 'no-such-asset'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toBe('artdag: no-such-asset: neither a CID nor an asset name the node knows\n')
    const unbound = await run(NODE24, [CLI, 'plan', 'config/recipes/montage.yaml', '-i', `first=${cat}`], env)
    expect(unbound.code).toBe(2)
    expect(unbound.stderr).not.toMatch(/Error\b/)
    expect(unbound.stderr).toContain('1 problem in the inputs')
  })
})

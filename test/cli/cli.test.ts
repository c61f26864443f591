import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { CLI, CLIENT, ensureBuilt, NODE24, run, type CliResult } from './run-cli.js'

describe('artdag CLI against a running node', () => {
  let n: WebNode
  let dir: string
  let env: Record<string, string>
  const artdag = async (...args: string[]): Promise<CliResult> => await run(NODE24, [CLIENT, '--server', n.url, ...args], env)

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-cli-'))
    // no saved settings or tokens of the machine's user leak into the tests
    env = { HOME: dir, ARTDAG_CLI_CONFIG: join(dir, 'cli.json'), ARTDAG_SERVER: '', ARTDAG_TOKEN: '' }
    await Promise.all([ensureBuilt(), startWebNode().then((node) => { n = node })])
  }, 300_000)
  afterAll(async () => {
    await n?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should render an effect on an asset synchronously and print the output CID', async () => {
    const result = await run(NODE24, [CLI, '--server', n.url, 'render', 'dog', 'cat', '--sync'], env)
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const cid = result.stdout.trim()
    expect(cid).toMatch(/^bafkrei[a-z2-7]{52}$/)
    const runs = await n.node.state.runs.list({ offset: 0, limit: 10 })
    expect(runs.items.find((r) => r.outputCid === cid)?.status).toBe('completed')
  })

  it('should submit asynchronously, then list, show and watch the run', async () => {
    const submitted = await artdag('render', 'invert', 'cat', '-p', 'intensity=0.5')
    expect(submitted.code).toBe(0)
    const [id, status] = submitted.stdout.trim().split(' ')
    expect(id).toMatch(/^[0-9a-f]{64}$/)
    expect(['pending', 'running', 'completed']).toContain(status)
    const watched = await artdag('runs', 'watch', id as string)
    expect(watched.code).toBe(0)
    expect(watched.stdout).toContain(`run ${id}\n  status   completed\n  recipe   invert\n`)
    const listed = await artdag('runs', 'ls', '--status', 'completed')
    expect(listed.code).toBe(0)
    expect(listed.stdout.split('\n').some((line) => line.startsWith(`${id}  completed  invert`))).toBe(true)
    const shown = await artdag('--json', 'runs', 'show', id as string)
    expect(JSON.parse(shown.stdout)).toMatchObject({ id, status: 'completed', recipeName: 'invert' })
  })

  it('should upload a file and download the same bytes by CID', async () => {
    const source = join(dir, 'upload.bin')
    const bytes = Buffer.concat([await readFile(configPath('assets', 'cat.png')), Buffer.from(`cli ${Date.now()}`)])
    await writeFile(source, bytes)
    const put = await artdag('cache', 'put', source)
    expect(put.code).toBe(0)
    const cid = put.stdout.trim()
    expect(cid).toMatch(/^bafkrei/)
    const target = join(dir, 'download.bin')
    const got = await artdag('cache', 'get', cid, target)
    expect(got.code).toBe(0)
    expect(got.stdout.trim()).toBe(`${target} (${bytes.length} bytes)`)
    expect(Buffer.compare(await readFile(target), bytes)).toBe(0)
  })

  it('should name the problem and exit non-zero for bad input', async () => {
    const unknown = await artdag('render', 'no_such_effect', 'cat')
    expect(unknown.stderr).toBe('artdag: unknown recipe or effect "no_such_effect"\n')
    expect(unknown.code).toBe(5)
    const badInput = await artdag('render', 'dog', 'not-a-cid-or-asset')
    // the node's message names the problem its details list: it is printed once, on one line
    expect(badInput.stderr).toMatch(/^artdag: [^\n]*"not-a-cid-or-asset" is neither a CID nor a known asset name\n$/)
    expect(badInput.stdout).toBe('')
    expect(badInput.code).toBe(2)
    const badCid = await artdag('cache', 'get', 'notacid', join(dir, 'never'))
    expect(badCid.code).toBe(2)
    expect(badCid.stderr).toMatch(/^artdag: .*notacid/)
    const badId = await artdag('runs', 'show', 'xyz')
    expect(badId.stderr).toBe('artdag: "xyz" is not a run id: give its 64 hex characters or a prefix of at least 8\n')
    expect(badId.code).toBe(2)
  })

  it('should print each problem of a recipe the node refuses at its place in the file, and as JSON with --json', async () => {
    const file = join(dir, 'refused.yaml')
    await writeFile(file, 'name: refused\ndag:\n  nodes:\n    - {id: a, type: SOURCE, config: {input: true}}\n    - {id: b, type: BLEND, inputs: [a, x], config: {mode: glow}}\n  output: b\n')
    for (const args of [['recipes', 'upload', file], ['render', file, 'cat']]) {
      const refused = await artdag(...args)
      expect(refused.stderr, args.join(' ')).toBe([
        `${file}:5:40: dag.nodes[1].inputs[1]: unknown node "x"`,
        `${file}:5:59: dag.nodes[1].config.mode: must be one of multiply, screen, overlay, add, subtract, average, difference, lighten, darken, got "glow"`,
        `artdag: ${file}: 2 problems`,
        ''
      ].join('\n'))
      expect(refused.code).toBe(2)
    }
    const json = await artdag('--json', 'recipes', 'upload', file)
    expect(json.stderr).toBe('')
    expect(json.code).toBe(2)
    expect(JSON.parse(json.stdout)).toEqual({
      error: 'recipe-validation',
      message: `${file}: 2 problems`,
      status: 400,
      details: [
        expect.objectContaining({ path: 'dag.nodes[1].inputs[1]', line: 5, column: 40 }),
        expect.objectContaining({ path: 'dag.nodes[1].config.mode', line: 5, column: 59 })
      ]
    })
  })

  it('should print a failure as one JSON object on stdout with --json, keeping the exit code', async () => {
    const json = async (...args: string[]): Promise<{ code: number, stderr: string, body: Record<string, unknown> }> => {
      const result = await artdag('--json', ...args)
      return { code: result.code, stderr: result.stderr, body: JSON.parse(result.stdout) as Record<string, unknown> }
    }
    expect(await json('render', 'no_such_effect', 'cat')).toEqual({
      code: 5, stderr: '', body: { error: 'recipe-not-found', message: 'unknown recipe or effect "no_such_effect"', status: 404 }
    })
    const badInput = await json('render', 'dog', 'not-a-cid-or-asset')
    expect(badInput).toMatchObject({ code: 2, stderr: '', body: { status: 400, message: expect.stringContaining('"not-a-cid-or-asset" is neither a CID nor a known asset name') } })
    expect(badInput.body.error).toMatch(/^[a-z-]+$/)
    expect(await json('runs', 'show', 'xyz')).toEqual({ code: 2, stderr: '', body: { error: 'usage', message: '"xyz" is not a run id: give its 64 hex characters or a prefix of at least 8' } })
    expect(await json('runs', 'bogus')).toEqual({ code: 2, stderr: '', body: { error: 'usage', message: "unknown command 'bogus'" } })
    const unreachable = await run(NODE24, [CLIENT, '--json', '--server', 'http://127.0.0.1:9', 'runs', 'ls'], env)
    expect(unreachable.code).toBe(3)
    expect(unreachable.stderr).toBe('')
    expect(JSON.parse(unreachable.stdout)).toMatchObject({ error: 'unreachable', message: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:9: /) })
  })

  it('should exit with code 3 when the server cannot be reached', async () => {
    const result = await run(NODE24, [CLI, '--server', 'http://127.0.0.1:9', 'runs', 'ls'], env)
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^artdag: cannot reach http:\/\/127\.0\.0\.1:9: /)
  })

  it('should serve a single-file client that runs on the system Node 20', async () => {
    const res = await fetch(`${n.url}/download/client`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="artdag.cjs"')
    const client = join(dir, 'artdag.cjs')
    await writeFile(client, Buffer.from(await res.arrayBuffer()))
    const version = await run('/usr/bin/node', ['--version'])
    expect(version.stdout).toMatch(/^v2\d\./)
    const help = await run('/usr/bin/node', [client, '--version'], env)
    expect(help.code).toBe(0)
    expect(help.stdout.trim()).toBe(JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')).version)
    const listed = await run('/usr/bin/node', [client, '--server', n.url, '--json', 'runs', 'ls'], env)
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout).total).toBeGreaterThanOrEqual(2)
    const unreachable = await run('/usr/bin/node', [client, '--server', 'http://127.0.0.1:9', 'runs', 'ls'], env)
    expect(unreachable.code).toBe(3)
  })
})

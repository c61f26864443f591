import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { CLI, ensureBuilt, NODE24, run } from './run-cli.js'

/** The system's Node 20 (Debian 12), which the downloaded client must run on */
const NODE20 = '/usr/bin/node'

describe('the client downloaded from a node', () => {
  let n: WebNode
  let dir: string
  let client: string
  let env: Record<string, string>

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-client-'))
    // no saved settings of the machine's user, no server named in the environment
    env = { HOME: dir, ARTDAG_CLI_CONFIG: join(dir, 'cli.json'), ARTDAG_SERVER: '', ARTDAG_TOKEN: '' }
    await Promise.all([ensureBuilt(), startWebNode().then((node) => { n = node })])
    const res = await fetch(`${n.url}/download/client`)
    expect(res.status).toBe(200)
    client = join(dir, 'artdag.cjs')
    await writeFile(client, Buffer.from(await res.arrayBuffer()))
  }, 300_000)
  afterAll(async () => {
    await n?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should talk to the node it was downloaded from when no server is named', async () => {
    expect((await run(NODE20, ['--version'])).stdout).toMatch(/^v20\./)
    const listed = await run(NODE20, [client, '--json', 'runs', 'ls'], env)
    expect(listed.stderr).toBe('')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.stdout)).toMatchObject({ items: expect.any(Array) })
    const help = await run(NODE20, [client, '--help'], env)
    expect(help.stdout).toContain(`default ${n.url})`)
  })

  it('should still let --server name another node', async () => {
    const other = await run(NODE20, [client, '--server', 'http://127.0.0.1:9', 'runs', 'ls'], env)
    expect(other.code).toBe(3)
    expect(other.stderr).toMatch(/^artdag: cannot reach http:\/\/127\.0\.0\.1:9: /)
  })

  it('should validate and plan a recipe offline', async () => {
    const recipe = configPath('recipes', 'dog.yaml')
    const valid = await run(NODE20, [client, 'validate', recipe], env)
    expect(valid.stderr).toBe('')
    expect(valid.code).toBe(0)
    const broken = join(dir, 'broken.yaml')
    await writeFile(broken, (await readFile(recipe, 'utf8')).replace(/effect: dog/, 'effect: no_such_effect'))
    const invalid = await run(NODE20, [client, 'validate', broken], env)
    expect(invalid.code).toBe(2)
    expect(invalid.stdout + invalid.stderr).toContain('no_such_effect')
    // the dog effect hashes its picture: the client has the hash, not the file, and must plan the same cache ids
    const args = ['plan', recipe, '--input', 'input=bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy']
    const plan = await run(NODE20, [client, ...args], env)
    expect(plan.stderr).toBe('')
    expect(plan.code).toBe(0)
    const onNode = await run(NODE24, [CLI, ...args], env)
    expect(onNode.code).toBe(0)
    expect(JSON.parse(plan.stdout)).toEqual(JSON.parse(onNode.stdout))
  })

  it('should answer a conditional download with 304 and the same ETag', async () => {
    const first = await fetch(`${n.url}/download/client`)
    const etag = first.headers.get('etag')
    await first.arrayBuffer()
    expect(etag).toMatch(/^"[0-9a-f]{20}"$/)
    const again = await fetch(`${n.url}/download/client`, { headers: { 'if-none-match': etag as string } })
    expect(again.status).toBe(304)
  })
})

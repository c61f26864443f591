import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { inBatches, readAnswer, Tally } from './harness.js'

const IMPORTS = bySuite(300, 600)
/** swaps `target` between a hard link of the good file and a symlink to the secret, each by one atomic rename */
const SWAPPER = `
const { linkSync, renameSync, symlinkSync } = require('node:fs')
const [target, good, secret] = process.argv.slice(1)
process.stdout.write('swapping\\n')
for (;;) {
  linkSync(good, target + '.file')
  renameSync(target + '.file', target)
  symlinkSync(secret, target + '.link')
  renameSync(target + '.link', target)
}`

describe('bad input: an import path swapped for a symlink while importing', () => {
  let t: TestNode
  let root: string
  let dir: string
  let swapper: ChildProcess | undefined

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'artdag-import-race-'))
    dir = join(root, 'import')
    await mkdir(dir)
    await mkdir(join(root, 'outside'))
    await writeFile(join(dir, 'good.txt'), 'the file that may be imported\n')
    await writeFile(join(root, 'outside', 'secret.txt'), 'the secret outside the import directory\n')
    t = await startTestNode({ authMode: 'local', importDirs: [dir] })
  })
  afterAll(async () => {
    if (swapper?.pid != null && swapper.exitCode == null) swapper.kill('SIGKILL')
    await t?.stop()
    if (root != null) await rm(root, { recursive: true, force: true })
  })

  it('should never store the outside file, and refuse each swapped import with a 4xx naming the problem', async () => {
    const target = join(dir, 'target.txt')
    const goodCid = (await (await fetch(`${t.url}/cache/upload`, { method: 'POST', headers: t.authHeaders, body: 'the file that may be imported\n' })).json() as { cid: string }).cid
    const secretCid = (await (await fetch(`${t.url}/cache/upload`, { method: 'POST', headers: t.authHeaders, body: 'the secret outside the import directory\n' })).json() as { cid: string }).cid
    // the secret's upload above only computed its CID: nothing of it may stay for the check below
    expect((await fetch(`${t.url}/cache/${secretCid}`, { method: 'DELETE', headers: t.authHeaders })).status).toBe(200)
    swapper = spawn(process.execPath, ['-e', SWAPPER, target, join(dir, 'good.txt'), join(root, 'outside', 'secret.txt')], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise<void>((resolve, reject) => {
      swapper?.stdout?.once('data', () => { resolve() })
      swapper?.once('exit', (code) => { reject(new Error(`the swapper exited with ${String(code)}`)) })
    })

    const tally = new Tally('import symlink race')
    const stored: string[] = []
    const refused = new Map<string, number>()
    await inBatches(t.url, Array.from({ length: IMPORTS }, (_, i) => i), 8, async () => {
      const res = await fetch(`${t.url}/cache/import?path=${encodeURIComponent(target)}`, { method: 'POST', headers: t.authHeaders })
      const answer = await readAnswer(res)
      if (res.status === 200 || res.status === 201) {
        stored.push(String(answer.json?.cid))
        tally.cases++
        return
      }
      tally.check({ label: 'swapped import', method: 'POST', path: '/cache/import', message: /^"[^"]+" (resolves to a location outside the import directories|was replaced by a symbolic link while it was being imported)$/ }, answer)
      const key = `${answer.status} ${String(answer.json?.error)}`
      refused.set(key, (refused.get(key) ?? 0) + 1)
    })
    swapper.kill('SIGKILL')
    process.stdout.write(`import race: ${stored.length} imported, refused ${JSON.stringify(Object.fromEntries(refused))}\n`)
    tally.done()
    // both sides of the race were hit, and every import that went through stored the good bytes
    expect(stored.length).toBeGreaterThan(0)
    expect(refused.size).toBeGreaterThan(0)
    expect(stored.filter((cid) => cid !== goodCid)).toEqual([])
    expect(await t.node.store.has(secretCid as never)).toBe(false)
    expect((await fetch(`${t.url}/cache/${secretCid}`)).status).toBe(404)
  })
})

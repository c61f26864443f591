import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { inBatches, readAnswer, Tally } from './harness.js'

const IMPORTS = bySuite(300, 600)
const GOOD = 'the file that may be imported\n'
const SECRET = 'the secret outside the import directory\n'
/**
 * Swaps a path back and forth as fast as it can: `file` swaps dir/target.txt between a hard link of the
 * good file and a symlink to the secret, each by one atomic rename; `dir` swaps the folder dir/box (which
 * holds a good secret.txt) for a symlink to the outside folder (which holds the real one).
 */
const SWAPPER = `
const { linkSync, renameSync, symlinkSync, unlinkSync } = require('node:fs')
const [mode, dir, outside] = process.argv.slice(1)
process.stdout.write('swapping\\n')
for (;;) {
  if (mode === 'file') {
    linkSync(dir + '/good.txt', dir + '/target.file')
    renameSync(dir + '/target.file', dir + '/target.txt')
    symlinkSync(outside + '/secret.txt', dir + '/target.link')
    renameSync(dir + '/target.link', dir + '/target.txt')
  } else {
    // a folder cannot be renamed over a symlink: the path is missing between each pair of renames
    symlinkSync(outside, dir + '/box.link')
    renameSync(dir + '/box', dir + '/box.real')
    renameSync(dir + '/box.link', dir + '/box')
    renameSync(dir + '/box', dir + '/box.old')
    renameSync(dir + '/box.real', dir + '/box')
    unlinkSync(dir + '/box.old')
  }
}`
const REFUSALS = /^("[^"]+" (resolves to a location outside the import directories|was replaced by a symbolic link while it was being imported)|file "[^"]+" does not exist)$/

describe('bad input: an import path swapped for a symlink while importing', () => {
  let t: TestNode
  let root: string
  let dir: string
  let outside: string
  let swapper: ChildProcess | undefined
  let goodCid: string
  let secretCid: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'artdag-import-race-'))
    dir = join(root, 'import')
    outside = join(root, 'outside')
    await mkdir(join(dir, 'box'), { recursive: true })
    await mkdir(outside)
    await writeFile(join(dir, 'good.txt'), GOOD)
    await writeFile(join(dir, 'box', 'secret.txt'), GOOD)
    await writeFile(join(outside, 'secret.txt'), SECRET)
    t = await startTestNode({ authMode: 'local', importDirs: [dir] })
    const cidOf = async (body: string): Promise<string> =>
      (await (await fetch(`${t.url}/cache/upload`, { method: 'POST', headers: t.authHeaders, body })).json() as { cid: string }).cid
    goodCid = await cidOf(GOOD)
    secretCid = await cidOf(SECRET)
    // the secret's upload only computed its CID: nothing of it may stay for the checks below
    expect((await fetch(`${t.url}/cache/${secretCid}`, { method: 'DELETE', headers: t.authHeaders })).status).toBe(200)
  })
  afterEach(() => {
    if (swapper?.exitCode == null) swapper?.kill('SIGKILL')
  })
  afterAll(async () => {
    await t?.stop()
    if (root != null) await rm(root, { recursive: true, force: true })
  })

  for (const [mode, path] of [['file', 'target.txt'], ['dir', 'box/secret.txt']] as const) {
    it(`should never store the outside file when the ${mode === 'file' ? 'file' : 'folder on its path'} is swapped, and refuse each swapped import with a 4xx naming the problem`, async () => {
      const child = spawn(process.execPath, ['-e', SWAPPER, mode, dir, outside], { stdio: ['ignore', 'pipe', 'inherit'] })
      swapper = child
      await new Promise<void>((resolve, reject) => {
        child.stdout?.once('data', () => { resolve() })
        child.once('exit', (code) => { reject(new Error(`the swapper exited with ${String(code)}`)) })
      })
      const tally = new Tally(`import symlink race (${mode})`)
      const stored: string[] = []
      const refused = new Map<string, number>()
      await inBatches(t.url, Array.from({ length: IMPORTS }, (_, i) => i), 8, async () => {
        const res = await fetch(`${t.url}/cache/import?path=${encodeURIComponent(join(dir, path))}`, { method: 'POST', headers: t.authHeaders })
        const answer = await readAnswer(res)
        if (res.status === 200 || res.status === 201) {
          stored.push(String(answer.json?.cid))
          tally.cases++
          return
        }
        tally.check({ label: `swapped ${mode}`, method: 'POST', path: '/cache/import', message: REFUSALS }, answer)
        const key = `${answer.status} ${String(answer.json?.error)}`
        refused.set(key, (refused.get(key) ?? 0) + 1)
      })
      child.kill('SIGKILL')
      process.stdout.write(`import race (${mode}): ${stored.length} imported, refused ${JSON.stringify(Object.fromEntries(refused))}\n`)
      tally.done()
      // both sides of the race were hit, and every import that went through stored the good bytes
      expect(stored.length).toBeGreaterThan(0)
      expect(refused.size).toBeGreaterThan(0)
      expect(stored.filter((cid) => cid !== goodCid)).toEqual([])
      expect(await t.node.store.has(secretCid as never)).toBe(false)
    })
  }
})

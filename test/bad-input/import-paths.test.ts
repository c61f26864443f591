import fc from 'fast-check'
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { inBatches, Tally, type BadCase } from './harness.js'

const FUZZED = bySuite(120, 300)
const SECRET = 'the secret outside the import directory\n'

describe('bad input: import paths', () => {
  let t: TestNode
  let root: string
  let dir: string
  let okCid: string
  const tally = new Tally('import paths')

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'artdag-bad-import-'))
    dir = join(root, 'import')
    await mkdir(join(dir, 'sub'), { recursive: true })
    await mkdir(join(root, 'outside'))
    await writeFile(join(dir, 'ok.txt'), 'importable\n')
    await writeFile(join(root, 'outside', 'secret.txt'), SECRET)
    await symlink(join(root, 'outside', 'secret.txt'), join(dir, 'link'))
    await symlink(join(root, 'outside'), join(dir, 'dirlink'))
    await symlink('../../outside/secret.txt', join(dir, 'sub', 'rel-link'))
    execFileSync('mkfifo', [join(dir, 'fifo')])
    t = await startTestNode({ authMode: 'local', importDirs: [dir] })
    const ok = await fetch(`${t.url}/cache/import?path=${encodeURIComponent(join(dir, 'ok.txt'))}`, { method: 'POST', headers: t.authHeaders })
    expect(ok.status).toBe(201)
    okCid = (await ok.json() as { cid: string }).cid
  })
  afterAll(async () => {
    await t?.stop()
    if (root != null) await rm(root, { recursive: true, force: true })
  })

  const post = (query: string, extra: Omit<BadCase, 'path' | 'label'> & { label?: string } = {}): BadCase =>
    ({ label: query, method: 'POST', path: `/cache/import?${query}`, headers: t.authHeaders, ...extra })

  it('should refuse traversal, symlink escapes, absolute paths, NUL bytes and encoded slashes with the reason', async () => {
    const p = (path: string): string => `path=${encodeURIComponent(path)}`
    const outside = (path: string): Partial<BadCase> => ({ status: 403, error: 'outside-import-dirs', message: `"${path}" is outside the import directories` })
    const escapes = (path: string): Partial<BadCase> => ({ status: 403, error: 'outside-import-dirs', message: `"${path}" resolves to a location outside the import directories` })
    const cases: BadCase[] = [
      post(p('/etc/passwd'), outside('/etc/passwd')),
      post(p(`${dir}/../outside/secret.txt`), outside(`${dir}/../outside/secret.txt`)),
      post(p(`${dir}/sub/../../outside/secret.txt`), outside(`${dir}/sub/../../outside/secret.txt`)),
      post(p('../../../../etc/passwd'), outside('../../../../etc/passwd')),
      post(p(dir), outside(dir)),
      post(p(`${dir}/link`), escapes(`${dir}/link`)),
      post(p(`${dir}/dirlink/secret.txt`), escapes(`${dir}/dirlink/secret.txt`)),
      post(p(`${dir}/sub/rel-link`), escapes(`${dir}/sub/rel-link`)),
      post(p(`${dir}/sub`), { status: 400, error: 'import-not-a-file', message: `"${dir}/sub" is a directory, not a file` }),
      post(p(`${dir}/fifo`), { status: 400, error: 'import-not-a-file', message: `"${dir}/fifo" is not a regular file` }),
      post(p(`${dir}/missing.txt`), { status: 404, error: 'import-file-not-found', message: `file "${dir}/missing.txt" does not exist` }),
      post(p(`${dir}/ok.txt/x`), { status: 404, error: 'import-file-not-found', message: `file "${dir}/ok.txt/x" does not exist` }),
      // a query decodes once: %252F reaches the node as the literal text %2F, not as a slash
      post(`path=${encodeURIComponent(dir)}%252F..%252F..%252Foutside%252Fsecret.txt`, outside(`${dir}%2F..%2F..%2Foutside%2Fsecret.txt`)),
      post(`path=${encodeURIComponent(dir)}%2F..%2Foutside%2Fsecret.txt`, outside(`${dir}/../outside/secret.txt`)),
      post(p(`${dir}/ok.txt\0.png`), { status: 400, error: 'invalid-request', message: 'invalid query: path: must not contain a NUL byte' }),
      post(p(`${dir}\\..\\..\\etc\\passwd`), outside(`${dir}\\..\\..\\etc\\passwd`)),
      post(p('~/.ssh/id_rsa'), outside('~/.ssh/id_rsa')),
      post('', { status: 400, error: 'invalid-request', message: 'invalid query: path: required: a string' }),
      post('path=', { status: 400, error: 'invalid-request', message: 'invalid query: path: must not be empty, got ""' }),
      post(p('a'.repeat(5000)), { status: 400, error: 'invalid-request' }),
      // a repeated key counts once, the last one
      post('path=a&path=b', outside('b'))
    ]
    await inBatches(t.url, cases, 4, async (c) => { await tally.send(t.url, c) })
    tally.done()
  })

  it('should import nothing but the files inside the import directory from fuzzed paths', async () => {
    const segment = fc.constantFrom('..', '.', '', 'ok.txt', 'link', 'dirlink', 'secret.txt', 'sub', 'rel-link', 'outside', '%2e%2e', '..%2f', '\0', '~', 'fifo', 'ok.txt\0')
    const paths = fc.sample(fc.tuple(fc.constantFrom(dir, `${dir}/sub`, '', '/', root, '.'), fc.array(segment, { maxLength: 5 }), fc.constantFrom('/', '\\', '//')), { numRuns: FUZZED, seed: 7 })
    const own = new Tally('fuzzed import paths')
    const imported = new Set<string>()
    await inBatches(t.url, paths, 8, async ([base, parts, sep]) => {
      const path = [base, ...parts].join(sep)
      const res = await fetch(`${t.url}/cache/import?path=${encodeURIComponent(path)}`, { method: 'POST', headers: t.authHeaders })
      const text = await res.text()
      if (res.status === 201 || res.status === 200) {
        imported.add((JSON.parse(text) as { cid: string }).cid)
        own.cases++
        return
      }
      own.check({ label: path, method: 'POST', path: '/cache/import' }, { status: res.status, text, json: JSON.parse(text) as Record<string, unknown> })
    })
    own.done()
    // the only file reachable is ok.txt: the secret never came in, by whatever path
    expect([...imported].filter((cid) => cid !== okCid)).toEqual([])
    const listed = await (await fetch(`${t.url}/cache?limit=500`)).text()
    expect(listed).not.toContain('secret')
  })
})

import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { testBytes } from '../fixtures/helia.js'
import { call, expectError, multipartFile, type Json } from './helpers.js'

describe('api /cache', () => {
  let t: TestNode
  let importDir: string
  let outside: string
  const MAX = 256 * 1024
  beforeAll(async () => {
    importDir = await mkdtemp(join(tmpdir(), 'artdag-import-'))
    outside = await mkdtemp(join(tmpdir(), 'artdag-outside-'))
    await writeFile(join(importDir, 'ok.json'), '{"hello": "world"}\n')
    await writeFile(join(outside, 'secret.txt'), 'secret')
    await symlink(join(outside, 'secret.txt'), join(importDir, 'escape.txt'))
    await mkdir(join(importDir, 'sub'))
    t = await startTestNode({ importDirs: [importDir], maxUploadBytes: MAX })
  })
  afterAll(async () => {
    await t?.stop()
    await rm(importDir, { recursive: true, force: true })
    await rm(outside, { recursive: true, force: true })
  })

  it('should upload multipart and raw bodies, list them, and serve them with type, ETag and caching', async () => {
    const bytes = testBytes(100_000, 7)
    const up = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(bytes, 'noise.bin') })
    expect(up.status).toBe(201)
    expect(up.body).toMatchObject({ size: 100_000, mediaType: 'application/octet-stream' })
    const cid = String(up.body.cid)
    expect(CID.parse(cid).version).toBe(1)
    const raw = await call(`${t.url}/cache/upload?name=raw.json`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: '{"a": 1}' })
    expect(raw.status).toBe(201)
    expect(raw.body.mediaType).toBe('application/json')
    const list = await call<{ items: Json[], total: number }>(`${t.url}/cache?limit=1000`)
    expect(list.body.items.find((i) => i.cid === cid)).toMatchObject({ size: 100_000, name: 'noise.bin' })
    expect(list.body.items.find((i) => i.cid === raw.body.cid)).toMatchObject({ name: 'raw.json', mediaType: 'application/json' })
    expect(await t.node.store.pinReasons(cid as never)).toContain('upload')

    const res = await fetch(`${t.url}/cache/${cid}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('etag')).toBe(`"${cid}"`)
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    expect(res.headers.get('accept-ranges')).toBe('bytes')
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true)
    const json = await fetch(`${t.url}/cache/${String(raw.body.cid)}`)
    expect(json.headers.get('content-type')).toBe('application/json')
    expect(await json.text()).toBe('{"a": 1}')

    const cached = await fetch(`${t.url}/cache/${cid}`, { headers: { 'if-none-match': `"${cid}"` } })
    expect(cached.status).toBe(304)
    const head = await fetch(`${t.url}/cache/${cid}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe('100000')
    expect(await head.text()).toBe('')
  })

  it('should serve byte ranges (206) and refuse unsatisfiable ones (416)', async () => {
    const bytes = testBytes(3 * 1024 * 1024 / 16, 3)
    const { body } = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(bytes) })
    const url = `${t.url}/cache/${String(body.cid)}`
    const part = await fetch(url, { headers: { range: 'bytes=1000-1999' } })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.length}`)
    expect(part.headers.get('content-length')).toBe('1000')
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(bytes.subarray(1000, 2000)))).toBe(true)
    const suffix = await fetch(url, { headers: { range: 'bytes=-10' } })
    expect(Buffer.from(await suffix.arrayBuffer()).equals(Buffer.from(bytes.subarray(bytes.length - 10)))).toBe(true)
    const bad = await fetch(url, { headers: { range: `bytes=${bytes.length}-` } })
    expect(bad.status).toBe(416)
    expect(bad.headers.get('content-range')).toBe(`bytes */${bytes.length}`)
    expect(await bad.json()).toEqual({ error: 'range-not-satisfiable', message: `range "bytes=${bytes.length}-" starts at or after the end of the content (${bytes.length} bytes)` })
    const ignored = await fetch(url, { headers: { range: 'bytes=5-1' } })
    expect(ignored.status).toBe(200)
    await ignored.arrayBuffer()
  })

  it('should refuse an oversize upload with 413 and keep nothing of it', async () => {
    const before = await t.node.store.size()
    const big = testBytes(MAX + 200_000, 9)
    const res = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(big, 'big.bin') })
    expectError(res, 413, 'payload-too-large', `upload is larger than the limit of ${MAX} bytes`)
    const rawBig = await call(`${t.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: big })
    expectError(rawBig, 413, 'payload-too-large', `upload is larger than the limit of ${MAX} bytes`)
    expect(await t.node.store.size()).toBeLessThanOrEqual(before)
    expect((await call(`${t.url}/health`)).status).toBe(200)
  })

  it('should reject malformed uploads', async () => {
    expectError(await call(`${t.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, body: 'garbage' }),
      400, 'bad-upload')
    const form = new FormData()
    form.append('field', 'value')
    expectError(await call(`${t.url}/cache/upload`, { method: 'POST', body: form }), 400, 'bad-upload', 'the multipart body has no file part')
  })

  it('should answer invalid and unknown CIDs', async () => {
    expectError(await call(`${t.url}/cache/not-a-cid`), 400, 'invalid-id', '"not-a-cid" is not a valid CID')
    const unknown = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy').toString()
    const started = Date.now()
    const res = await call(`${t.url}/cache/${unknown}`)
    expect(res.status).toBe(404)
    expect(Date.now() - started).toBeLessThan(10_000)
    expect(String((res.body as Json).message)).toContain(unknown)
    expectError(await call(`${t.url}/cache/${unknown}`, { method: 'DELETE' }), 404, 'content-not-found', `content ${unknown} is not stored on this node`)
  })

  it('should import only from the import directories', async () => {
    const ok = await call(`${t.url}/cache/import?path=${encodeURIComponent(join(importDir, 'ok.json'))}`, { method: 'POST' })
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ size: 19, mediaType: 'application/json' })
    const q = (p: string) => `${t.url}/cache/import?path=${encodeURIComponent(p)}`
    expectError(await call(q(join(importDir, '..', 'etc', 'passwd')), { method: 'POST' }), 403, 'outside-import-dirs')
    expectError(await call(q(join(importDir, 'escape.txt')), { method: 'POST' }), 403, 'outside-import-dirs')
    expectError(await call(q(join(importDir, 'missing.txt')), { method: 'POST' }), 404, 'import-file-not-found')
    expectError(await call(q(join(importDir, 'sub')), { method: 'POST' }), 400, 'import-not-a-file')
    expectError(await call(`${t.url}/cache/import`, { method: 'POST' }), 400, 'invalid-request', 'invalid query: path: required: a string')
  })

  it('should delete content under the rules and drop its cache entries', async () => {
    const { body } = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(Buffer.from('orphan bytes')) })
    const cid = String(body.cid)
    await t.node.state.cacheIndex.set('c'.repeat(64) as never, cid as never)
    const del = await call(`${t.url}/cache/${cid}`, { method: 'DELETE' })
    expect(del.status).toBe(200)
    expect(del.body).toMatchObject({ cid, cacheEntries: 1 })
    expect(await t.node.state.cacheIndex.get('c'.repeat(64) as never)).toBeUndefined()
    // collected after the answer
    await t.library.gc()
    expect(await t.node.store.has(cid as never)).toBe(false)
    expect((await call(`${t.url}/cache/${cid}`)).status).toBe(404)
    // an input of a completed run cannot be deleted
    const input = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(testBytes(1000, 11)) })
    await t.node.state.content.addRef(input.body.cid as never)
    expectError(await call(`${t.url}/cache/${String(input.body.cid)}`, { method: 'DELETE' }), 409, 'content-in-use',
      `content ${String(input.body.cid)} is an input or output of 1 run; discard that run first`)
  })

  it('should answer unknown routes with JSON 404 and wrong methods with 405', async () => {
    expectError(await call(`${t.url}/nope`), 404, 'not-found', 'no route for GET /nope')
    const res = await call(`${t.url}/cache`, { method: 'DELETE' })
    expectError(res, 405, 'method-not-allowed', 'DELETE is not allowed on /cache; allowed: HEAD, GET')
    expect(res.headers.get('allow')).toContain('GET')
  })
})

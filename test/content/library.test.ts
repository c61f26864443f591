import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { startL2Server, type L2Fixture } from '../fixtures/l2-server.js'
import { call, expectError, multipartFile, pollRun, type Json } from '../api/helpers.js'

const PUBLIC_URL = 'http://l1.test'
const TWO_STEPS = `name: two-steps
dag:
  nodes:
    - { id: src, type: SOURCE, config: { input: true, name: src } }
    - { id: inv, type: EFFECT, config: { effect: invert }, inputs: [src] }
    - { id: gray, type: EFFECT, config: { effect: grayscale }, inputs: [inv] }
  output: gray
`

describe('content library deletion rules (through the API, with L2)', () => {
  let t: TestNode
  let l2: L2Fixture
  let auth: Record<string, string>
  let media: TestMedia
  const post = async (path: string, json: unknown) => await call(`${t.url}${path}`, { method: 'POST', headers: auth, json })
  const del = async (path: string) => await call(`${t.url}${path}`, { method: 'DELETE', headers: auth })
  const upload = async (bytes: Uint8Array, name = 'f.bin') =>
    String((await call(`${t.url}/cache/upload`, { method: 'POST', headers: auth, body: multipartFile(bytes, name) })).body.cid)

  beforeAll(async () => {
    l2 = await startL2Server()
    media = await makeTestMedia()
    t = await startTestNode({ authMode: 'l2', l2Server: l2.url, publicUrl: PUBLIC_URL })
    auth = { authorization: `Bearer ${l2.issueToken({ username: 'alice', l1Server: PUBLIC_URL })}` }
  })
  afterAll(async () => {
    await t?.stop()
    await l2?.stop()
    await media?.cleanup()
  })

  it('should abort library operations when passed an aborted signal', async () => {
    const signal = AbortSignal.abort(new Error('stop now'))
    const cid = await upload(Buffer.from('abort me'))
    await expect(t.library.deleteContent(cid as never, { signal })).rejects.toThrow('stop now')
    await expect(t.library.discardRun('0'.repeat(64) as never, { signal })).rejects.toThrow('stop now')
    await expect(t.library.upload((async function * () { yield Buffer.from('x') })(), { signal })).rejects.toThrow('stop now')
    await expect(t.library.importPath('/tmp/x', { signal })).rejects.toThrow('stop now')
    expect(await t.node.store.has(cid as never)).toBe(true)
  })

  it('should always discard a failed run', async () => {
    const notMedia = await upload(Buffer.from('this is not an image at all'), 'note.txt')
    const run = await post('/runs?wait=60', { recipe: 'invert', inputs: [notMedia] })
    expect(run.body.status).toBe('failed')
    l2.publish(notMedia)
    const gone = await del(`/runs/${String(run.body.id)}`)
    expect(gone.status).toBe(200)
    expect(gone.body.id).toBe(run.body.id)
    expectError(await call(`${t.url}/runs/${String(run.body.id)}`), 404, 'run-not-found')
  })

  it('should refuse to discard a pending or running run, then discard it once cancelled', async () => {
    const run = await post('/runs', { recipe: 'blur', inputs: ['cat-clip'], params: { radius: 9 } })
    expect(['pending', 'running']).toContain(run.body.status)
    const id = String(run.body.id)
    expectError(await del(`/runs/${id}`), 409, 'run-state', new RegExp(`^run ${id} is (pending|running); cancel it before discarding it$`))
    const cancelled = await call(`${t.url}/runs/${id}/cancel`, { method: 'POST', headers: auth })
    expect(cancelled.body.status).toBe('cancelled')
    expect((await del(`/runs/${id}`)).status).toBe(200)
  })

  it('should keep a completed run whose output is published, and its output', async () => {
    const input = await upload(Buffer.from(await (await fetch(`${t.url}/cache/${String((await call<{ items: Json[] }>(`${t.url}/assets`)).body.items.find((a) => a.name === 'dog')?.cid)}`)).arrayBuffer()), 'dog.png')
    const run = await post('/runs?wait=60', { recipe: 'mirror', inputs: [input] })
    expect(run.body.status).toBe('completed')
    const output = String(run.body.outputCid)
    l2.publish(output)
    expectError(await del(`/runs/${String(run.body.id)}`), 409, 'content-published', `run ${String(run.body.id)} cannot be discarded: its item ${output} is published to L2`)
    expectError(await del(`/cache/${output}`), 409, 'content-published', `content ${output} is published to L2 and cannot be deleted`)
    expectError(await del(`/cache/${input}`), 409, 'content-in-use', `content ${input} is an input or output of 1 run; discard that run first`)
    expect((await call(`${t.url}/cache/${output}`)).status).toBe(200)
  })

  it('should discard a completed run, unpin its items, and then let its input be deleted', async () => {
    const input = await upload(await readFile(media.image), 'image.png')
    const recipe = await call(`${t.url}/configs/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'text/yaml' }, body: TWO_STEPS })
    const run = await post(`/configs/${String(recipe.body.id)}/run?wait=60`, { inputs: [input] })
    expect(run.body.status).toBe('completed')
    const output = String(run.body.outputCid)
    const intermediate = String((run.body.steps as Json[]).find((s) => s.id === 'inv')?.cid)
    expect(await t.node.store.pinReasons(output as never)).toEqual(expect.arrayContaining(['run-output']))
    const discarded = await del(`/runs/${String(run.body.id)}`)
    expect(discarded.status).toBe(200)
    expect(discarded.body.unpinned).toEqual(expect.arrayContaining([output, intermediate, input]))
    await t.library.gc()
    expect(await t.node.store.has(output as never)).toBe(false)
    expect(await t.node.store.has(intermediate as never)).toBe(false)
    // the upload pin keeps the input; no run uses it any more, so it can now be deleted
    expect(await t.node.store.pinReasons(input as never)).toEqual(['upload'])
    expect((await del(`/cache/${input}`)).status).toBe(200)
    await t.library.gc()
    expect(await t.node.store.has(input as never)).toBe(false)
    // the same run again recomputes instead of pointing at deleted bytes
    expect(await upload(await readFile(media.image))).toBe(input)
    const again = await post(`/configs/${String(recipe.body.id)}/run`, { inputs: [input] })
    const done = await pollRun(t.url, String(again.body.id))
    expect(done.status).toBe('completed')
    expect(done.outputCid).toBe(output)
  })

  it('should delete an intermediate but refuse anything while L2 cannot answer', async () => {
    const input = await upload(new Uint8Array(await (await fetch(`${t.url}/cache/${String((await call<{ items: Json[] }>(`${t.url}/assets`)).body.items.find((a) => a.name === 'dog')?.cid)}`)).arrayBuffer()), 'dog2.png')
    const recipe = await call(`${t.url}/configs/upload`, { method: 'POST', headers: { ...auth, 'content-type': 'text/yaml' }, body: TWO_STEPS })
    const run = await post(`/configs/${String(recipe.body.id)}/run?wait=60`, { inputs: [input] })
    const intermediate = String((run.body.steps as Json[]).find((s) => s.id === 'inv')?.cid)
    l2.setMode('down')
    try {
      const refused = await del(`/cache/${intermediate}`)
      expect([502, 503]).toContain(refused.status)
      expect(await t.node.store.has(intermediate as never)).toBe(true)
    } finally {
      l2.setMode('ok')
    }
    const deleted = await del(`/cache/${intermediate}`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.cacheEntries).toBe(1)
    await t.library.gc()
    expect(await t.node.store.has(intermediate as never)).toBe(false)
  })
})

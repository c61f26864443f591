import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, expectError, multipartFile, pollRun, type Json } from './helpers.js'

describe('api /runs', () => {
  let t: TestNode
  let catCid: string
  beforeAll(async () => {
    t = await startTestNode()
    const cat = await readFile(configPath('assets', 'cat.png'))
    const up = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(cat, 'cat.png', 'image/png') })
    // the cat ships with the node as an asset: its bytes are stored already
    expect(up.status).toBe(200)
    catCid = String(up.body.cid)
  })
  afterAll(async () => { await t?.stop() })

  it('should run the seed flow: upload cat, POST /runs dog, poll, download the output', async () => {
    const created = await call(`${t.url}/runs`, { method: 'POST', json: { recipe: 'dog', inputs: [catCid], output_name: 'my-output' } })
    expect(created.status).toBe(201)
    expect(created.headers.get('location')).toBe(`/runs/${String(created.body.id)}`)
    expect(created.body).toMatchObject({ recipeName: 'dog', outputName: 'my-output', inputs: [{ name: 'input', cid: catCid }] })
    const run = await pollRun(t.url, String(created.body.id))
    expect(run.status).toBe('completed')
    expect(String(run.outputCid)).toMatch(/^baf/)
    expect(String(run.provenanceCid)).toMatch(/^bag/)
    expect((run.steps as Json[]).map((s) => s.type)).toEqual(['SOURCE', 'EFFECT'])
    const out = await fetch(`${t.url}/cache/${String(run.outputCid)}`)
    expect(out.status).toBe(200)
    expect(out.headers.get('content-type')).toBe('image/png')
    const bytes = new Uint8Array(await out.arrayBuffer())
    expect([...bytes.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(bytes.length).toBe(Number(out.headers.get('content-length')))
    // the same run again is the same run: 200, nothing rendered twice
    const again = await call(`${t.url}/runs`, { method: 'POST', json: { recipe: 'dog', inputs: [catCid], output_name: 'my-output' } })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(created.body.id)
    // the output is listed in GET /cache
    await expect.poll(async () => (await call<{ items: Json[] }>(`${t.url}/cache?limit=100`)).body.items.map((i) => i.cid)).toContain(run.outputCid)
  })

  it('should block with ?wait until the run is final, and accept asset names and inputs by name', async () => {
    const res = await call(`${t.url}/runs?wait=60`, { method: 'POST', json: { recipe: 'invert', inputs: { input: 'cat' }, params: { intensity: 0.5 } } })
    expect(res.status).toBe(201)
    expect(res.body.status).toBe('completed')
    const short = await call(`${t.url}/runs?wait=0.05`, { method: 'POST', json: { recipe: 'grayscale', inputs: ['cat-clip'] } })
    expect([200, 201]).toContain(short.status)
    expect(typeof short.body.status).toBe('string')
    await pollRun(t.url, String(short.body.id))
  })

  it('should list runs with paging and a status filter', async () => {
    const all = await call<{ items: Json[], total: number, offset: number, limit: number }>(`${t.url}/runs?limit=2`)
    expect(all.status).toBe(200)
    expect(all.body.total).toBeGreaterThanOrEqual(3)
    expect(all.body.items).toHaveLength(2)
    expect(all.body.limit).toBe(2)
    const second = await call<{ items: Json[], offset: number }>(`${t.url}/runs?limit=2&offset=2`)
    expect(second.body.offset).toBe(2)
    expect(second.body.items.map((r) => r.id)).not.toContain(all.body.items[0]?.id)
    const failed = await call<{ items: Json[], total: number }>(`${t.url}/runs?status=failed`)
    expect(failed.body.items.every((r) => r.status === 'failed')).toBe(true)
    expectError(await call(`${t.url}/runs?limit=0`), 400, 'invalid-request', 'invalid query: limit: must be >= 1, got "0"')
    expectError(await call(`${t.url}/runs?limit=abc`), 400, 'invalid-request', 'invalid query: limit: must be a whole number')
    expectError(await call(`${t.url}/runs?status=bogus`), 400, 'invalid-request',
      'invalid query: status: must be one of pending, running, completed, failed, cancelled, got "bogus"')
  })

  it('should reject bad run requests with named 4xx errors', async () => {
    const post = async (body: string, type = 'application/json') => await call(`${t.url}/runs`, { method: 'POST', headers: { 'content-type': type }, body })
    expectError(await post('{"recipe": "dog",'), 400, 'malformed-json', /^request body is not valid JSON: /)
    expectError(await post(''), 400, 'invalid-request', 'invalid run request: required: a mapping')
    expectError(await post('{"recipe": 5, "inputs": [1]}'), 400, 'invalid-request',
      'invalid run request: recipe: must be a string, got 5; inputs: has the wrong form, got [1]')
    expectError(await post('{"recipe": "dog", "input": []}'), 400, 'invalid-request', 'invalid run request: input: unknown field "input"')
    expectError(await post('recipe=dog', 'text/plain'), 415, 'unsupported-media-type')
    expectError(await post(JSON.stringify({ recipe: 'no-such-thing', inputs: [catCid] })), 404, 'recipe-not-found', 'unknown recipe or effect "no-such-thing"')
    expectError(await post(JSON.stringify({ recipe: 'dog', inputs: ['not-a-cid'] })), 400, 'unknown-input',
      'inputs[0]: "not-a-cid" is neither a CID nor a known asset name')
    expectError(await post(JSON.stringify({ recipe: 'dog', inputs: [] })), 400, 'input-binding', /^invalid run inputs \(1 problem\): /)
    expectError(await post(JSON.stringify({ recipe: 'invert', inputs: [catCid], params: { intensity: 7 } })), 400, 'recipe-validation', /intensity/)
    expectError(await call(`${t.url}/runs?wait=-1`, { method: 'POST', json: { recipe: 'dog', inputs: [catCid] } }), 400, 'invalid-request',
      'invalid query: wait: must be a number of seconds')
  })

  it('should answer unknown and malformed run ids', async () => {
    expectError(await call(`${t.url}/runs/${'a'.repeat(64)}`), 404, 'run-not-found', `run ${'a'.repeat(64)} not found`)
    expectError(await call(`${t.url}/runs/xyz`), 400, 'invalid-id', '"xyz" is not a valid run id (64 lowercase hex characters)')
    expectError(await call(`${t.url}/runs/${'a'.repeat(64)}`, { method: 'DELETE' }), 404, 'run-not-found')
    expectError(await call(`${t.url}/runs/${'a'.repeat(64)}/events`), 404, 'run-not-found')
    expectError(await call(`${t.url}/runs`, { method: 'PUT' }), 405, 'method-not-allowed')
  })

  it('should stream a run\'s events over SSE until it is final', async () => {
    const upload = await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(Buffer.from(await readFile(configPath('assets', 'dog.png'))), 'dog.png') })
    const created = await call(`${t.url}/runs`, { method: 'POST', json: { recipe: 'sepia', inputs: [upload.body.cid] } })
    const res = await fetch(`${t.url}/runs/${String(created.body.id)}/events`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    const text = await res.text()
    const events = text.split('\n\n').filter((f) => f.startsWith('event: ')).map((f) => {
      const [head, data] = f.split('\n')
      return { event: head?.slice(7), data: JSON.parse(data?.slice(6) ?? 'null') as Json }
    })
    expect(events[0]?.event).toBe('run')
    const last = events[events.length - 1]
    expect(last?.event).toBe('run')
    expect(last?.data.status).toBe('completed')
    expect(events.some((e) => e.event === 'render:run:status' && e.data.status === 'completed')).toBe(true)
    // a finished run: the current record, then the stream ends
    const after = await (await fetch(`${t.url}/runs/${String(created.body.id)}/events`)).text()
    expect(after.startsWith('event: run\n')).toBe(true)
    expect(after.split('\n\n').filter((f) => f !== '')).toHaveLength(1)
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, expectError, type Json } from './helpers.js'

const RECIPE = `name: tint-it
version: "1.0"
description: invert then sepia
dag:
  nodes:
    - id: picture
      type: SOURCE
      config: { input: true, name: picture, description: the image to tint }
    - id: inv
      type: EFFECT
      config: { effect: invert, params: { intensity: 0.25 } }
      inputs: [picture]
    - id: tone
      type: EFFECT
      config: { effect: sepia }
      inputs: [inv]
  output: tone
`

describe('api /configs', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => { await t?.stop() })

  const upload = async (body: RequestInit['body'], type: string) => await call(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': type }, body })

  it('should store a recipe from YAML, JSON or multipart, idempotently, and list and read it', async () => {
    const first = await upload(RECIPE, 'text/yaml')
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ name: 'tint-it', version: '1.0', description: 'invert then sepia', variableInputs: [{ nodeId: 'picture', name: 'picture', description: 'the image to tint' }] })
    expect(String(first.body.id)).toMatch(/^[0-9a-f]{64}$/)
    const json = await call(`${t.url}/configs/upload`, { method: 'POST', json: { yaml: RECIPE.replace('name: tint-it', 'name:  tint-it  # same') } })
    expect(json.status).toBe(200)
    expect(json.body.id).toBe(first.body.id)
    const form = new FormData()
    form.append('file', new Blob([RECIPE.replace('0.25', '0.5')]), 'r.yaml')
    const multi = await call(`${t.url}/configs/upload`, { method: 'POST', body: form })
    expect(multi.status).toBe(201)
    expect(multi.body.id).not.toBe(first.body.id)
    const list = await call<{ items: Json[], total: number }>(`${t.url}/configs`)
    expect(list.body.total).toBe(2)
    expect((await call(`${t.url}/configs/${String(first.body.id)}`)).body.name).toBe('tint-it')
    // by name: the latest upload of that name
    expect((await call(`${t.url}/configs/tint-it`)).body.id).toBe(multi.body.id)
  })

  it('should list every validation problem with its path', async () => {
    const bad = `name: broken
dag:
  nodes:
    - id: a
      type: SOURCE
      config: { input: true, name: a }
    - id: b
      type: NOPE
      inputs: [a]
    - id: c
      type: EFFECT
      config: { effect: invert }
      inputs: [ghost]
  output: c
`
    const res = await upload(bad, 'text/yaml')
    expectError(res, 400, 'recipe-validation', /^invalid recipe \(\d+ problems?\): /)
    const details = (res.body as { details: Array<{ path: string, code: string }> }).details
    expect(details.map((d) => d.path)).toEqual(expect.arrayContaining(['dag.nodes[1].type', 'dag.nodes[2].inputs[0]']))
    expectError(await upload('name: [unclosed', 'text/yaml'), 400, 'recipe-validation', /yaml|line/i)
    expectError(await upload('', 'text/yaml'), 400, 'recipe-validation', 'invalid recipe (1 problem): the recipe is empty')
    expectError(await call(`${t.url}/configs/upload`, { method: 'POST', json: { yml: 'x' } }), 400, 'invalid-request',
      'invalid config upload: yaml: required: a string; yml: unknown field "yml"')
    expectError(await upload('x', 'image/png'), 415, 'unsupported-media-type')
    expectError(await upload('a'.repeat(1024 * 1024 + 10), 'text/yaml'), 413, 'payload-too-large')
  })

  it('should run a stored recipe by id or name and reject missing inputs', async () => {
    const res = await call(`${t.url}/configs/tint-it/run?wait=60`, { method: 'POST', json: { inputs: { picture: 'cat' }, output_name: 'tinted' } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({ status: 'completed', recipeName: 'tint-it', outputName: 'tinted' })
    expect((res.body.steps as Json[]).map((s) => s.id)).toEqual(['picture', 'inv', 'tone'])
    expectError(await call(`${t.url}/configs/tint-it/run`, { method: 'POST', json: { inputs: {} } }), 400, 'input-binding',
      /^invalid run inputs \(1 problem\): /)
    expectError(await call(`${t.url}/configs/tint-it/run`, { method: 'POST', json: { inputs: { picture: 'nothing-like-this' } } }), 400, 'unknown-input',
      'inputs.picture: "nothing-like-this" is neither a CID nor a known asset name')
    expectError(await call(`${t.url}/configs/nope/run`, { method: 'POST', json: { inputs: [] } }), 404, 'recipe-not-found', 'no config with id or name "nope"')
  })

  it('should delete a recipe and then not find it', async () => {
    const { body } = await upload(RECIPE.replace('tint-it', 'doomed'), 'text/yaml')
    const del = await call(`${t.url}/configs/doomed`, { method: 'DELETE' })
    expect(del.status).toBe(200)
    expect(del.body).toEqual({ id: body.id, name: 'doomed', deleted: true })
    expectError(await call(`${t.url}/configs/${String(body.id)}`), 404, 'recipe-not-found', `no config with id or name "${String(body.id)}"`)
    expectError(await call(`${t.url}/configs/doomed`, { method: 'DELETE' }), 404, 'recipe-not-found')
  })
})

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, multipartFile, type Answer, type Json } from './helpers.js'

/**
 * Every JSON answer of a real node, checked against the schema /openapi.json documents for its route,
 * method and status; and every route documented with a JSON answer is called at least once, so the
 * document cannot drift from what the handlers send.
 */

const RECIPE = `name: doc-check
dag:
  nodes:
    - id: picture
      type: SOURCE
      config: { input: true, name: picture }
    - id: inv
      type: EFFECT
      config: { effect: invert }
      inputs: [picture]
  output: inv
`

interface Spec { paths: Record<string, Record<string, { responses: Record<string, Json> }>>, components: { responses: Record<string, Json> } }

describe('OpenAPI responses of a real node', () => {
  let t: TestNode
  let importDir: string
  let spec: Spec
  let ajv: Ajv2020
  const exercised = new Set<string>()

  beforeAll(async () => {
    importDir = await mkdtemp(join(tmpdir(), 'artdag-openapi-'))
    await writeFile(join(importDir, 'notes.txt'), 'imported for the document check\n')
    t = await startTestNode({ authMode: 'local', importDirs: [importDir] })
    spec = (await call<Spec>(`${t.url}/openapi.json`)).body
    // the document is the schema: its components are reached by their JSON pointers (zod writes a pattern
    // beside every format, so formats need no checker of their own)
    ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
    ajv.addSchema({ ...spec, $id: 'openapi.json' })
  })
  afterAll(async () => {
    await t?.stop()
    await rm(importDir, { recursive: true, force: true })
  })

  /** the documented schema of one answer; undefined when the route does not document that status */
  const documented = (route: string, method: string, status: number): Json | undefined => {
    let response = spec.paths[route]?.[method]?.responses[String(status)]
    const ref = response?.$ref
    if (typeof ref === 'string') response = spec.components.responses[ref.replace('#/components/responses/', '')]
    return ((response?.content as Record<string, { schema: Json }> | undefined)?.['application/json'])?.schema
  }

  /** calls the node and checks the JSON answer against the document; returns the answer */
  const checked = async (method: string, route: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> => {
    const answer = await call(`${t.url}${path}`, { ...init, method: method.toUpperCase() })
    const schema = documented(route, method, answer.status)
    expect(schema, `${method.toUpperCase()} ${route} answered ${answer.status}, which the document does not describe as JSON`).toBeDefined()
    const validate = ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/')) as Json)
    expect(validate(answer.body) ? [] : validate.errors, `${method.toUpperCase()} ${route} ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`).toEqual([])
    exercised.add(`${method} ${route}`)
    return answer
  }

  it('should answer every route as documented, success and failure', async () => {
    const auth = t.authHeaders
    await checked('get', '/', '/')
    await checked('get', '/health', '/health')
    await checked('get', '/health', '/health?deep=1')
    await checked('get', '/health', '/health?deep=maybe')

    const up = await checked('post', '/cache/upload', '/cache/upload?name=noise.bin', { headers: auth, body: multipartFile(Buffer.from('some bytes for the document check')) })
    expect(up.status).toBe(201)
    expect((await checked('post', '/cache/upload', '/cache/upload', { headers: auth, body: multipartFile(Buffer.from('some bytes for the document check')) })).status).toBe(200)
    await checked('post', '/cache/upload', '/cache/upload', { body: multipartFile(Buffer.from('x')) })
    expect((await checked('post', '/cache/import', `/cache/import?path=${encodeURIComponent(join(importDir, 'notes.txt'))}`, { headers: auth })).status).toBe(201)
    await checked('post', '/cache/import', '/cache/import?path=%2Fetc%2Fpasswd', { headers: auth })
    await checked('get', '/cache', '/cache?limit=1000')
    await checked('get', '/cache', '/cache?limit=0')
    await checked('delete', '/cache/{cid}', `/cache/${String(up.body.cid)}`, { headers: auth })
    await checked('get', '/cache/{cid}', '/cache/not-a-cid')

    const run = await checked('post', '/runs', '/runs?wait=60', { headers: auth, json: { recipe: 'invert', inputs: ['cat'] } })
    expect(run.body.status).toBe('completed')
    expect((await checked('post', '/runs', '/runs', { headers: auth, json: { recipe: 'invert', inputs: ['cat'] } })).status).toBe(200)
    await checked('post', '/runs', '/runs', { headers: auth, json: { recipe: 'invert', inputs: ['cat'], colour: 'red' } })
    await checked('post', '/runs', '/runs', { json: { recipe: 'invert', inputs: ['cat'] } })
    await checked('get', '/runs', '/runs')
    await checked('get', '/runs', '/runs?status=lost')
    await checked('get', '/runs/{id}', `/runs/${String(run.body.id)}`)
    await checked('get', '/runs/{id}', `/runs/${'0'.repeat(64)}`)
    await checked('post', '/runs/{id}/cancel', `/runs/${String(run.body.id)}/cancel`, { headers: auth })
    await checked('get', '/runs/{id}/events', `/runs/${'0'.repeat(64)}/events`)

    const config = await checked('post', '/configs/upload', '/configs/upload', { headers: { ...auth, 'content-type': 'text/yaml' }, body: RECIPE })
    expect(config.status).toBe(201)
    await checked('post', '/configs/upload', '/configs/upload', { headers: { ...auth, 'content-type': 'text/yaml' }, body: 'name: [unclosed' })
    await checked('get', '/configs', '/configs')
    await checked('get', '/configs/{id}', '/configs/doc-check')
    await checked('get', '/configs/{id}', '/configs/nothing-here')
    const configRun = await checked('post', '/configs/{id}/run', '/configs/doc-check/run?wait=60', { headers: auth, json: { inputs: { picture: 'cat' } } })
    expect(configRun.body.status).toBe('completed')
    await checked('delete', '/runs/{id}', `/runs/${String(configRun.body.id)}`, { headers: auth })
    await checked('delete', '/configs/{id}', '/configs/doc-check', { headers: auth })

    await checked('get', '/assets', '/assets')
    await checked('get', '/effects', '/effects')
    await checked('get', '/effects/{name}', '/effects/invert')
    await checked('get', '/effects/{name}', '/effects/no-such-effect')

    await checked('get', '/auth/whoami', '/auth/whoami')
    await checked('get', '/auth/whoami', '/auth/whoami', { headers: auth })
    await checked('post', '/auth/revoke', '/auth/revoke')
    await checked('post', '/auth/revoke-user', '/auth/revoke-user', { headers: auth, json: {} })
    // last: these end the admin token this test calls with
    await checked('post', '/auth/revoke-user', '/auth/revoke-user', { headers: auth, json: { username: 'nobody' } })
    await checked('post', '/auth/revoke', '/auth/revoke', { headers: auth })

    await checked('get', '/openapi.json', '/openapi.json')

    const jsonRoutes = Object.entries(spec.paths).flatMap(([route, ops]) => Object.entries(ops)
      .filter(([, op]) => Object.entries(op.responses).some(([status, response]) => Number(status) < 300 && (response.content as Json | undefined)?.['application/json'] != null))
      .map(([method]) => `${method} ${route}`))
    expect(jsonRoutes.length).toBeGreaterThan(20)
    expect(jsonRoutes.filter((route) => !exercised.has(route))).toEqual([])
  })
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, expectError, multipartFile, type Json } from './helpers.js'

describe('api system routes', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode({ authMode: 'local' }) })
  afterAll(async () => { await t?.stop() })

  it('should describe the server at / as JSON to API clients and as the home page to browsers', async () => {
    const res = await call(`${t.url}/`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'artdag-l1', peerId: t.node.mesh.peerId, auth: 'local', docs: '/docs' })
    expect((res.body.listen as string[])[0]).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
    expect((res.body.counts as Json).content).toBeGreaterThanOrEqual(3)
    const page = await fetch(`${t.url}/`, { headers: { accept: 'text/html' } })
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await page.text()).toContain(t.node.mesh.peerId)
  })

  it('should report health and metrics', async () => {
    const health = await call(`${t.url}/health`)
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: 'ok', checks: { redis: { ok: true }, store: { ok: true } } })
    const deep = await call(`${t.url}/health?deep=1`)
    expect(deep.body).toMatchObject({ status: 'ok', checks: { redis: { ok: true }, store: { ok: true } } })
    expect(Date.parse(String(deep.body.checkedAt))).toBeGreaterThanOrEqual(Date.parse(String(health.body.checkedAt)))
    expectError(await call(`${t.url}/health?deep=maybe`), 400, 'invalid-request')
    // answered ahead of the routers, yet after auth and with the routers' 405 for other methods
    expectError(await call(`${t.url}/health`, { headers: { authorization: 'Bearer artdag_wrong-token-000000000000' } }), 401, 'invalid-token')
    const post = await call(`${t.url}/health`, { method: 'POST', headers: t.authHeaders })
    expectError(post, 405, 'method-not-allowed')
    expect(post.headers.get('allow')).toBe('HEAD, GET')
    await call(`${t.url}/runs?limit=5`)
    const metrics = await fetch(`${t.url}/metrics`)
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await metrics.text()
    expect(text).toContain('artdag_runs{status="completed"}')
    expect(text).toMatch(/artdag_store_bytes \d+/)
    expect(text).toContain('artdag_queue_depth')
    expect(text).toMatch(/artdag_http_request_duration_seconds_count\{method="GET",route="\/runs",status="200"\} 1/)
    expect(text).toMatch(/artdag_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} \d/)
  })

  it('should serve an OpenAPI 3.1 document covering every route, and Swagger UI from the package', async () => {
    const spec = await call<{ openapi: string, paths: Record<string, Record<string, unknown>> }>(`${t.url}/openapi.json`)
    expect(spec.body.openapi).toBe('3.1.0')
    const routes = Object.entries(spec.body.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
    expect(routes).toEqual(expect.arrayContaining([
      'GET /', 'GET /health', 'GET /metrics', 'POST /runs', 'GET /runs', 'GET /runs/{id}', 'DELETE /runs/{id}', 'GET /runs/{id}/events',
      'POST /runs/{id}/cancel', 'GET /cache', 'GET /cache/{cid}', 'HEAD /cache/{cid}', 'DELETE /cache/{cid}', 'POST /cache/upload',
      'POST /cache/import', 'GET /assets', 'POST /configs/upload', 'GET /configs', 'GET /configs/{id}', 'DELETE /configs/{id}', 'POST /configs/{id}/run'
    ]))
    const runBody = (spec.body.paths['/runs']?.post as { requestBody: { content: Record<string, { schema: Json }> } }).requestBody.content['application/json']?.schema
    expect(runBody).toMatchObject({ type: 'object', required: ['recipe'], additionalProperties: false })
    const docs = await fetch(`${t.url}/docs`)
    expect(docs.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(await docs.text()).toContain('/docs/swagger-ui-bundle.js')
    const bundle = await fetch(`${t.url}/docs/swagger-ui-bundle.js`)
    expect(bundle.status).toBe(200)
    expect((await bundle.text()).length).toBeGreaterThan(100_000)
    expectError(await call(`${t.url}/docs/..%2Fpackage.json`), 404, 'not-found')
  })

  it('should require a user for writes and accept the admin token', async () => {
    expectError(await call(`${t.url}/runs`, { method: 'POST', json: { recipe: 'identity', inputs: ['cat'] } }), 401, 'unauthorized')
    expectError(await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(Buffer.from('x')) }), 401, 'unauthorized')
    expectError(await call(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: 'name: x' }), 401, 'unauthorized')
    expectError(await call(`${t.url}/runs`, { method: 'POST', headers: { authorization: 'Bearer artdag_wrong-token-000000000000' }, json: {} }), 401, 'invalid-token')
    const ok = await call(`${t.url}/runs?wait=30`, { method: 'POST', headers: t.authHeaders, json: { recipe: 'identity', inputs: ['cat'] } })
    expect(ok.status).toBe(201)
    expect(ok.body.user).toBe('admin')
    expect((await call(`${t.url}/runs`)).status).toBe(200)
  })
})

describe('api with private reads', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode({ authMode: 'local', publicReads: false }) })
  afterAll(async () => { await t?.stop() })

  it('should require a user for reads when reads are not public', async () => {
    for (const path of ['/runs', '/cache', '/configs', '/assets', '/']) {
      expectError(await call(`${t.url}${path}`), 401, 'unauthorized')
      expect((await call(`${t.url}${path}`, { headers: t.authHeaders })).status).toBe(200)
    }
    expect((await call(`${t.url}/health`)).status).toBe(200)
  })
})

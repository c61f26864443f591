import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { effectEntrySchema, effectListSchema } from '../../src/api/effects/schemas.js'
import { BUILTIN_EFFECTS } from '../../src/effects/builtins/index.js'
import { describeEffect } from '../../src/effects/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, expectError, type Json } from './helpers.js'

describe('api /effects', () => {
  let open: TestNode
  let closed: TestNode
  beforeAll(async () => {
    [open, closed] = await Promise.all([startTestNode(), startTestNode({ authMode: 'local', publicReads: false })])
  })
  afterAll(async () => { await Promise.all([open?.stop(), closed?.stop()]) })

  it('should list every effect in the shape its schema documents', async () => {
    const answer = await call<{ items: Json[], total: number }>(`${open.url}/effects`)
    expect(answer.status).toBe(200)
    const list = effectListSchema.strict().parse(answer.body)
    expect(list.items.map((e) => e.name)).toEqual(BUILTIN_EFFECTS.map((s) => s.name))
    expect(list.total).toBe(BUILTIN_EFFECTS.length)
  })

  it('should answer one effect with its params, and 404 naming the known effects for any other name', async () => {
    const rotate = await call(`${open.url}/effects/rotate`)
    expect(rotate.status).toBe(200)
    expect(effectEntrySchema.strict().parse(rotate.body)).toEqual(describeEffect('rotate'))
    expect(rotate.body.params).toContainEqual({ name: 'fill', type: 'color', default: 'black', description: 'colour of the uncovered corners' })

    const missing = await call(`${open.url}/effects/rotat`)
    expectError(missing, 404, 'effect-not-found', /^no effect "rotat" \(known: identity, dog, invert, .*rotate/)
    expect((missing.body.details as { known: string[] }).known).toContain('rotate')
    expectError(await call(`${open.url}/effects/${'x'.repeat(5000)}`), 404, 'effect-not-found')
    expectError(await call(`${open.url}/effects/__proto__`), 404, 'effect-not-found')
    expectError(await call(`${open.url}/effects/blur`, { method: 'POST' }), 405, 'method-not-allowed')
  })

  it('should be readable only with a token when anonymous reads are off', async () => {
    expect((await call(`${closed.url}/effects`)).status).toBe(401)
    expect((await call(`${closed.url}/effects/blur`)).status).toBe(401)
    const withToken = await call(`${closed.url}/effects/blur`, { headers: closed.authHeaders })
    expect(withToken.status).toBe(200)
  })

  it('should describe both routes in the OpenAPI document with the catalogue schema', async () => {
    const doc = (await call<{ paths: Record<string, Json>, components: { schemas: Record<string, { properties: Json }> } }>(`${open.url}/openapi.json`)).body
    const one = doc.paths['/effects/{name}'] as { get: { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> } }
    const ref = one.get.responses['200']?.content?.['application/json']?.schema.$ref ?? ''
    expect(ref).toBe('#/components/schemas/Effect')
    expect(Object.keys(doc.components.schemas.Effect?.properties ?? {}))
      .toEqual(['name', 'version', 'description', 'group', 'temporal', 'inputs', 'params'])
    expect(doc.paths['/effects']).toBeDefined()
  })
})

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { readJson } from '../../src/api/body.js'
import { errorMiddleware } from '../../src/api/error-middleware.js'
import { parseWith } from '../../src/api/validate.js'
import { RecipeValidationError } from '../../src/dag/index.js'
import { RunNotFoundError } from '../../src/exec/errors.js'
import { StoreFullError } from '../../src/store/index.js'
import { UnauthorizedError } from '../../src/auth/index.js'
import { silentLogger } from '../../src/util/logger.js'

describe('errorMiddleware', () => {
  let server: Server
  let url: string
  beforeAll(async () => {
    const app = new Koa()
    app.silent = true
    app.use(errorMiddleware(silentLogger()))
    app.use(async (ctx) => {
      switch (ctx.path) {
        case '/json': ctx.body = parseWith(z.object({ n: z.number() }).strict(), await readJson(ctx, { limit: 100 }), 'body'); break
        case '/recipe': throw new RecipeValidationError([{ path: 'dag.nodes[0].type', code: 'unknown-type', message: 'unknown node type "X"' }])
        case '/run': throw new RunNotFoundError('run abc not found')
        case '/full': throw new StoreFullError('the store is full')
        case '/auth': throw new UnauthorizedError('log in first')
        case '/bug': ctx.set('X-Half', 'set'); throw new Error('secret database password in here')
        case '/string': throw 'not an error' // eslint-disable-line @typescript-eslint/only-throw-error
        default: ctx.body = 'ok'
      }
    })
    server = app.listen(0, '127.0.0.1')
    await new Promise((resolve) => server.once('listening', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => { await new Promise((resolve) => server.close(resolve)) })

  const post = async (path: string, body: string, type = 'application/json'): Promise<Response> =>
    await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })

  it('should answer malformed JSON with 400 malformed-json', async () => {
    const res = await post('/json', '{"n": 1')
    expect(res.status).toBe(400)
    const body = await res.json() as { error: string, message: string }
    expect(body.error).toBe('malformed-json')
    expect(body.message).toMatch(/^request body is not valid JSON: /)
  })

  it('should answer schema problems with 400 and every problem in details', async () => {
    const res = await post('/json', '{"n": "x", "extra": 1}')
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: 'invalid-request',
      message: 'invalid body: n: must be a number, got "x"; extra: unknown field "extra"',
      details: [{ path: 'n', message: 'must be a number, got "x"' }, { path: 'extra', message: 'unknown field "extra"' }]
    })
  })

  it('should answer a body over the limit with 413 and a non-JSON type with 415', async () => {
    const big = await post('/json', JSON.stringify({ n: 1, pad: 'x'.repeat(200) }))
    expect(big.status).toBe(413)
    expect(await big.json()).toEqual({ error: 'payload-too-large', message: 'request body of 216 bytes is larger than the limit of 100 bytes' })
    const wrong = await post('/json', 'n=1', 'application/x-www-form-urlencoded')
    expect(wrong.status).toBe(415)
    expect((await wrong.json() as { error: string }).error).toBe('unsupported-media-type')
  })

  it('should map named errors of other areas by name and by their own status', async () => {
    const recipe = await fetch(`${url}/recipe`)
    expect(recipe.status).toBe(400)
    expect(await recipe.json()).toEqual({
      error: 'recipe-validation',
      message: 'invalid recipe (1 problem): dag.nodes[0].type: unknown node type "X"',
      details: [{ path: 'dag.nodes[0].type', code: 'unknown-type', message: 'unknown node type "X"' }]
    })
    const run = await fetch(`${url}/run`)
    expect(run.status).toBe(404)
    expect(await run.json()).toEqual({ error: 'run-not-found', message: 'run abc not found' })
    expect((await fetch(`${url}/full`)).status).toBe(413)
    const auth = await fetch(`${url}/auth`)
    expect(auth.status).toBe(401)
    expect(auth.headers.get('www-authenticate')).toBe('Bearer realm="artdag"')
    expect(await auth.json()).toEqual({ error: 'unauthorized', message: 'log in first' })
  })

  it('should answer unknown errors with a 500 that reveals nothing', async () => {
    for (const path of ['/bug', '/string']) {
      const res = await fetch(`${url}${path}`)
      expect(res.status).toBe(500)
      expect(res.headers.get('x-half')).toBeNull()
      expect(await res.json()).toEqual({ error: 'internal', message: 'internal server error' })
    }
  })
})

/// <reference types="vite/client" />
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { errorMiddleware } from '../../src/api/error-middleware.js'
import { RecipeValidationError } from '../../src/dag/index.js'
import { DomainError, InternalError, describeError } from '../../src/util/errors.js'
import { silentLogger } from '../../src/util/logger.js'
import { sendError, type WebDeps } from '../../src/web/pages/context.js'

type ErrorClass = new (...args: unknown[]) => Error

/** Every folder's errors.ts */
const modules = import.meta.glob<Record<string, unknown>>(['../../src/**/errors.ts'], { eager: true })

/** constructor arguments of the classes whose constructor takes more than a message */
const ARGS: Record<string, unknown[]> = {
  RecipeValidationError: [[{ path: 'dag.output', message: 'unknown node "x"', code: 'dangling' }]],
  InputBindingError: [[{ path: 'inputs.video', message: 'not bound', code: 'unbound' }]],
  OutputChoiceError: [[{ path: 'output.format', message: 'not a format', code: 'bad-output' }]],
  StepFailedError: ['s1', 'ffmpeg exited with 1'],
  FfmpegError: ['ffmpeg failed', 1, ['last line'], true],
  FfmpegTimeoutError: [1000, []],
  RangeNotSatisfiableError: ['bytes=9-1 does not fit', 10],
  RequestValidationError: ['invalid body: n: required', [{ path: 'n', message: 'required' }]],
  FormError: ['The form has problems', ['name: required']],
  InvalidTokenError: ['bad token', 'signature'],
  ConfigError: [['port (PORT): must be a number']]
}

function exportedErrors (): Array<{ file: string, name: string, error: Error }> {
  const classes = Object.entries(modules).flatMap(([file, exports]) => Object.entries(exports)
    .filter((entry): entry is [string, ErrorClass] => typeof entry[1] === 'function' && entry[1].prototype instanceof Error)
    .map(([name, cls]) => ({ file, name, cls })))
  // abstract bases (ApiError, AuthError...) are extended by another export and carry no status themselves
  const concrete = classes.filter(({ cls }) => !classes.some((other) => other.cls.prototype instanceof cls))
  return concrete.map(({ file, name, cls }) => ({ file, name, error: new cls(...(ARGS[name] ?? [`a ${name}`])) }))
}

describe('errors carry their HTTP meaning', () => {
  const errors = exportedErrors()

  it('should find the error classes of every folder', () => {
    const folders = new Set(errors.map((e) => e.file.split('/src/')[1]?.split('/')[0]))
    expect([...folders].sort()).toEqual(['api', 'auth', 'config', 'content', 'dag', 'effects', 'exec', 'mesh', 'state', 'store', 'sync', 'web'])
  })

  it('should give every exported error class a status and a code, and 500 only to internal errors', () => {
    for (const { name, error } of errors) {
      expect(error, name).toBeInstanceOf(DomainError)
      const { status, code } = error as DomainError
      expect(status >= 400 && status < 600, `${name}: ${status}`).toBe(true)
      expect(code, name).toMatch(/^[a-z][a-z0-9-]*$/)
      expect(status === 500, `${name}: 500 is for internal errors only`).toBe(error instanceof InternalError)
      expect(error.name, 'the name is the class name (logs show it)').toBe(name)
    }
  })

  it('should answer internal and unknown errors with a 500 that reveals nothing', () => {
    for (const err of [new Error('secret at /home/x/.artdag'), 'a string', new (class extends InternalError { override name = 'X' })('secret')]) {
      expect(describeError(err)).toEqual({
        status: 500,
        headers: {},
        body: { error: 'internal', message: 'internal server error' },
        banner: { message: 'Something went wrong on the node. The problem was logged.' },
        expected: false
      })
    }
  })

  it('should list the problems of a recipe under a headline on pages and in details for the API', () => {
    const answer = describeError(new RecipeValidationError([{ path: 'dag.output', message: 'unknown node "x"', code: 'dangling' }]))
    expect(answer.status).toBe(400)
    expect(answer.body).toEqual({
      error: 'recipe-validation',
      message: 'invalid recipe (1 problem): dag.output: unknown node "x"',
      details: [{ path: 'dag.output', message: 'unknown node "x"', code: 'dangling' }]
    })
    expect(answer.banner).toEqual({ message: 'The recipe has problems:', problems: ['dag.output: unknown node "x"'] })
  })

  it('should answer a zod error with 400 and every issue', () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: 'x' })
    expect(describeError(parsed.error).body).toEqual({
      error: 'invalid-request',
      message: 'invalid request: n: Invalid input: expected number, received string',
      details: [{ path: 'n', message: 'Invalid input: expected number, received string' }]
    })
  })

  describe('through HTTP', () => {
    let server: Server
    let url: string
    const byName = new Map(errors.map((e) => [e.name, e.error]))

    beforeAll(async () => {
      const deps = { components: { config: { authMode: 'none' } }, log: silentLogger() } as unknown as WebDeps
      const app = new Koa()
      app.silent = true
      app.use(errorMiddleware(silentLogger()))
      app.use(async (ctx) => {
        const [, surface, name] = ctx.path.split('/')
        const error = byName.get(name ?? '')
        if (error == null) { ctx.status = 204; return }
        if (surface === 'api') throw error
        sendError(deps, ctx, error)
      })
      server = app.listen(0, '127.0.0.1')
      await new Promise((resolve) => server.once('listening', resolve))
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(async () => { await new Promise((resolve) => server.close(resolve)) })

    it('should give the same status for the same error in the API and on a page', async () => {
      for (const { name, error } of errors) {
        const [api, page] = await Promise.all([fetch(`${url}/api/${name}`), fetch(`${url}/page/${name}`)])
        const expected = error instanceof InternalError ? 500 : (error as DomainError).status
        expect({ name, api: api.status, page: page.status }).toEqual({ name, api: expected, page: expected })
        const body = await api.json() as { error: string, message: string }
        expect(body.error, name).toBe(error instanceof InternalError ? 'internal' : (error as DomainError).code)
        const html = await page.text()
        if (!(error instanceof InternalError)) expect(html, name).toContain((error as DomainError).title ?? 'class="notice')
      }
    })
  })
})

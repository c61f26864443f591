import type { Context } from 'koa'
import { describe, expect, it } from 'vitest'
import { buildClientBundle } from '../../src/web/client-bundle.js'
import { Csrf } from '../../src/web/csrf.js'
import { ClientBundleError } from '../../src/web/errors.js'
import { describeFailure } from '../../src/web/failures.js'
import { readForm } from '../../src/web/form.js'

describe('readForm', () => {
  it('should abort when passed an aborted signal', async () => {
    const csrf = new Csrf({ trustedOrigins: [], secure: false })
    await expect(readForm({} as Context, { csrf, maxFileBytes: 1, signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
  })
})

describe('describeFailure', () => {
  it('should hide unknown errors behind a 500 that reveals nothing', () => {
    expect(describeFailure(new Error('secret at /home/x/.artdag'))).toEqual({
      status: 500, expected: false, notice: { kind: 'error', message: 'Something went wrong on the node. The problem was logged.' }
    })
  })

  it('should list the problems of a recipe with their paths', () => {
    const err = Object.assign(new Error('invalid recipe'), { name: 'RecipeValidationError', problems: [{ path: 'dag.output', message: 'unknown node "x"', code: 'dangling' }] })
    expect(describeFailure(err)).toEqual({ status: 400, expected: true, notice: { kind: 'error', message: 'The recipe has problems:', problems: ['dag.output: unknown node "x"'] } })
  })
})

describe('buildClientBundle', () => {
  it('should name the missing sources', async () => {
    const err = await buildClientBundle(null).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientBundleError)
    expect((err as Error).message).toBe('The CLI client cannot be built: its sources (src/cli/client-main.ts) are missing on this node.')
  })

  it('should bundle the client into one CommonJS file with the version inlined', async () => {
    const bundle = await buildClientBundle()
    const text = bundle.code.toString('utf8')
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true)
    // CommonJS has no import.meta: esbuild would stand in an empty `import_meta` object for it
    expect(text).not.toContain('import_meta')
    expect(text).toContain('var VERSION = "')
    expect(text).not.toMatch(/require\("(commander|cli-progress)"\)/)
  })
})

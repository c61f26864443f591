import { Readable } from 'node:stream'
import type { Context } from 'koa'
import { describe, expect, it } from 'vitest'
import { buildClientBundle } from '../../src/web/client-bundle.js'
import { ClientBundleError } from '../../src/web/errors.js'
import { readForm } from '../../src/web/form.js'

describe('readForm', () => {
  it('should abort when passed an aborted signal', async () => {
    await expect(readForm({} as Context, { maxFileBytes: 1, signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
  })

  it('should stop a file upload still in flight when the form turns out broken after it', async () => {
    const part = (headers: string, content: Buffer | string): Buffer => Buffer.concat([Buffer.from(`--bb\r\n${headers}\r\n\r\n`), Buffer.from(content), Buffer.from('\r\n')])
    const body = Buffer.concat([
      part('Content-Disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: application/octet-stream', Buffer.alloc(10_000, 1)),
      part('Content-Disposition: form-data; name="note"', 'x'.repeat(300 * 1024)),
      Buffer.from('--bb--\r\n')
    ])
    const req = Object.assign(Readable.from([body]), { headers: { 'content-type': 'multipart/form-data; boundary=bb' } })
    const ctx = { is: () => 'multipart/form-data', req, get: () => '' } as unknown as Context
    let sawAbort = false
    const upload = async (source: AsyncIterable<Uint8Array>, init: { signal?: AbortSignal }): Promise<{ cid: never, size: number, mediaType: string }> => {
      for await (const chunk of source) void chunk
      // the store would still be writing: the form's failure must reach it
      await new Promise((resolve) => setTimeout(resolve, 200))
      sawAbort = init.signal?.aborted === true
      init.signal?.throwIfAborted()
      return { cid: 'never' as never, size: 10_000, mediaType: 'application/octet-stream' }
    }
    await expect(readForm(ctx, { maxFileBytes: 1024 * 1024, upload })).rejects.toThrow(`form field "note" is larger than ${256 * 1024} bytes`)
    expect(sawAbort).toBe(true)
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

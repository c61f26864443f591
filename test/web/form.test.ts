import { Readable } from 'node:stream'
import type { Context } from 'koa'
import { describe, expect, it } from 'vitest'
import { clientFor, readClientBundle } from '../../src/web/client-bundle.js'
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

describe('the downloadable client', () => {
  it('should name the build step when the client was not built', async () => {
    const err = await readClientBundle('/nonexistent/artdag.cjs').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientBundleError)
    expect((err as Error).message).toBe('The CLI client is not built on this node (ENOENT /nonexistent/artdag.cjs): run `npm run build`.')
  })

  it('should name the node it is served by as the default server, after the banner', () => {
    const built = Buffer.from('#!/usr/bin/env node\n// artdag 1.0.0\n"use strict";\nmain();\n')
    const a = clientFor(built, 'http://node-a:8100')
    const b = clientFor(built, 'http://node-b:8100')
    expect(a.code.toString()).toBe('#!/usr/bin/env node\n// artdag 1.0.0\nglobalThis.ARTDAG_DOWNLOADED_FROM = "http://node-a:8100";\n"use strict";\nmain();\n')
    // a host name cannot break out of the string
    expect(clientFor(built, 'http://x";process.exit(9);"').code.toString()).toContain('globalThis.ARTDAG_DOWNLOADED_FROM = "http://x\\";process.exit(9);\\"";')
    expect(a.etag).not.toBe(b.etag)
  })
})

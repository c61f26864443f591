import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { expectHealthy, inBatches, Tally } from './harness.js'

const LIMIT = 64 * 1024
const TRUNCATED = bySuite(24, 80)
const TOO_LARGE = `upload is larger than the limit of ${LIMIT} bytes`

/** Sends a request head and `sent` bytes of a body that claims `declared` bytes, then drops the connection */
async function truncated (url: string, head: string, body: Buffer, declared: number, how: 'destroy' | 'end'): Promise<void> {
  const { hostname, port } = new URL(url)
  await new Promise<void>((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}Content-Length: ${declared}\r\nConnection: close\r\n\r\n`)
      socket.write(body, () => {
        // give the node time to start storing what arrived, then go away mid-body
        setTimeout(() => { if (how === 'destroy') socket.destroy(); else socket.end() }, 20)
      })
    })
    socket.on('data', () => {})
    socket.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'ECONNRESET') resolve(); else reject(err) })
    socket.on('close', () => { resolve() })
  })
}

function multipart (boundary: string, file: Buffer, name = 'x.bin'): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
}

describe('bad input: uploads', () => {
  let t: TestNode
  let baseline: { size: number, listed: number }
  const tally = new Tally('uploads')

  /** blockstore bytes after a GC (only pinned content survives it) and the content list's length */
  const snapshot = async (): Promise<{ size: number, listed: number }> => {
    await t.library.gc()
    const list = await (await fetch(`${t.url}/cache?limit=500`)).json() as { items: unknown[] }
    return { size: await t.node.store.size(), listed: list.items.length }
  }

  beforeAll(async () => {
    t = await startTestNode({ maxUploadBytes: LIMIT })
    baseline = await snapshot()
  })
  afterAll(async () => { await t?.stop() })

  it('should answer 413 naming the limit for raw, chunked and multipart uploads over it, storing nothing', async () => {
    const big = randomBytes(LIMIT + 1)
    const huge = randomBytes(LIMIT * 3)
    const chunked = (bytes: Buffer): ReadableStream<Uint8Array> => new ReadableStream({
      start (controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192))
        controller.close()
      }
    })
    const cases = [
      { label: 'raw, one byte over', body: big, headers: { 'content-type': 'application/octet-stream' } },
      { label: 'raw, far over', body: huge, headers: { 'content-type': 'image/png' } },
      { label: 'multipart, one byte over', body: multipart('b0undary', big), headers: { 'content-type': 'multipart/form-data; boundary=b0undary' } },
      { label: 'multipart, far over', body: multipart('b0undary', huge), headers: { 'content-type': 'multipart/form-data; boundary=b0undary' } }
    ]
    for (const c of cases) {
      await tally.send(t.url, { ...c, method: 'POST', path: '/cache/upload', status: 413, error: 'payload-too-large', message: TOO_LARGE })
    }
    for (const bytes of [big, huge]) {
      const res = await fetch(`${t.url}/cache/upload`, { method: 'POST', body: chunked(bytes), duplex: 'half', headers: { 'content-type': 'application/octet-stream' } } as RequestInit)
      // the node stops reading at the limit: it must close this connection, or the next request on it stalls
      if (bytes === huge) expect(res.headers.get('connection')).toBe('close')
      await expectHealthy(t.url)
      tally.check({ label: 'chunked', method: 'POST', status: 413, error: 'payload-too-large', message: TOO_LARGE }, { status: res.status, text: await res.clone().text(), json: await res.json() as Record<string, unknown> })
    }
    await expectHealthy(t.url)
    expect(await snapshot()).toEqual(baseline)
    tally.done()
  })

  it('should keep nothing of uploads whose client goes away mid-body or sends less than Content-Length', async () => {
    const { hostname, port } = new URL(t.url)
    const host = `Host: ${hostname}:${port}\r\n`
    const kinds = Array.from({ length: TRUNCATED }, (_, i) => i)
    await inBatches(t.url, kinds, 6, async (i) => {
      const file = randomBytes(4096 + i * 97)
      const how = i % 2 === 0 ? 'destroy' : 'end'
      if (i % 4 < 2) {
        await truncated(t.url, `POST /cache/upload HTTP/1.1\r\n${host}Content-Type: application/octet-stream\r\n`, file, file.length * 4, how)
      } else {
        const body = multipart(`bnd${i}`, file)
        await truncated(t.url, `POST /cache/upload HTTP/1.1\r\n${host}Content-Type: multipart/form-data; boundary=bnd${i}\r\n`, body.subarray(0, body.length - 40), body.length, how)
      }
      tally.cases++
    })
    // the aborted requests may still be unwinding on the node: wait until their partial blocks are collected
    await expect.poll(snapshot, { timeout: 20_000, interval: 250 }).toEqual(baseline)
    await expectHealthy(t.url)
  })

  it('should refuse malformed multipart bodies with a 400 naming what is wrong', async () => {
    const file = randomBytes(100)
    const mp = (body: Buffer | string, type = 'multipart/form-data; boundary=bb'): { body: Buffer | string, headers: Record<string, string> } => ({ body, headers: { 'content-type': type } })
    const cases = [
      { label: 'no boundary', ...mp(multipart('bb', file), 'multipart/form-data'), message: 'cannot read the multipart body: Multipart: Boundary not found' },
      { label: 'no file part', ...mp('--bb\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--bb--\r\n'), message: 'the multipart body has no file part' },
      { label: 'two files', ...mp(Buffer.concat([multipart('bb', file).subarray(0, -4), Buffer.from('\r\n'), multipart('bb', file)])), message: 'send exactly one file per upload' },
      { label: 'cut envelope', ...mp(multipart('bb', file).subarray(0, 60)), message: /^malformed multipart body: / }
    ]
    for (const c of cases) await tally.send(t.url, { ...c, method: 'POST', path: '/cache/upload', status: 400, error: 'bad-upload' })
    expect(await snapshot()).toEqual(baseline)
    tally.done()
  })
})

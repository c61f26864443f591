import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { call, multipartFile, type Json } from './helpers.js'

const HTML = '<!doctype html><html><body><script>fetch("/configs", { method: "DELETE" })</script></body></html>\n'
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/configs\')"><script>fetch("/runs")</script></svg>\n'

describe('api /cache/{cid}: what stored content is served as', () => {
  let t: TestNode
  let png: Buffer
  beforeAll(async () => {
    png = await readFile(configPath('assets', 'cat.png'))
    t = await startTestNode()
  })
  afterAll(async () => { await t?.stop() })

  const upload = async (bytes: string | Uint8Array, name: string, type: string): Promise<{ status: number, body: Json }> =>
    await call(`${t.url}/cache/upload`, { method: 'POST', body: multipartFile(typeof bytes === 'string' ? Buffer.from(bytes) : bytes, name, type) })

  /** the headers of GET, HEAD and a ranged GET, with the statuses */
  const served = async (cid: string): Promise<Array<Record<string, string | number | null>>> => {
    const url = `${t.url}/cache/${cid}`
    const answers = [await fetch(url), await fetch(url, { method: 'HEAD' }), await fetch(url, { headers: { range: 'bytes=0-9' } })]
    return await Promise.all(answers.map(async (res) => {
      await res.arrayBuffer()
      return {
        status: res.status,
        type: res.headers.get('content-type'),
        disposition: res.headers.get('content-disposition'),
        csp: res.headers.get('content-security-policy'),
        nosniff: res.headers.get('x-content-type-options')
      }
    }))
  }
  const inline = (type: string): Record<string, string | null> => ({
    type, disposition: null, csp: "sandbox allow-same-origin; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'", nosniff: 'nosniff'
  })
  const download = { type: 'application/octet-stream', disposition: 'attachment', csp: "sandbox; default-src 'none'; frame-ancestors 'none'", nosniff: 'nosniff' }

  it('should serve HTML and SVG as sandboxed downloads and a PNG inline under the sandbox, whole, by HEAD and by range', async () => {
    const html = await upload(HTML, 'page.html', 'text/html')
    const svg = await upload(SVG, 'logo.svg', 'image/svg+xml')
    const image = await upload(png, 'cat.png', 'text/html')
    expect([html.body.mediaType, svg.body.mediaType, image.body.mediaType]).toEqual(['application/octet-stream', 'application/octet-stream', 'image/png'])
    for (const [cid, headers] of [[html.body.cid, download], [svg.body.cid, download], [image.body.cid, inline('image/png')]] as const) {
      expect(await served(String(cid))).toEqual([200, 200, 206].map((status) => ({ status, ...headers })))
    }
    // a raw body declared as HTML is sniffed the same way
    const raw = await call(`${t.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: `${HTML}<!-- raw -->` })
    expect(raw.body.mediaType).toBe('application/octet-stream')
    expect((await served(String(raw.body.cid)))[0]).toEqual({ status: 200, ...download })
  })

  it('should keep the first sniffed type: a second uploader declaring text/html changes nothing', async () => {
    const text = 'plain words, later claimed to be a web page\n'
    const first = await upload(text, 'notes.txt', 'text/plain')
    expect(first).toMatchObject({ status: 201, body: { mediaType: 'text/plain' } })
    const again = await upload(text, 'evil.html', 'text/html')
    const raw = await call(`${t.url}/cache/upload?name=evil.html`, { method: 'POST', headers: { 'content-type': 'text/html' }, body: text })
    expect((await served(String(first.body.cid)))[0]).toEqual({ status: 200, ...inline('text/plain') })
    const { body: list } = await call<{ items: Json[] }>(`${t.url}/cache?limit=1000`)
    expect(list.items.filter((i) => i.cid === first.body.cid)).toMatchObject([{ name: 'notes.txt', mediaType: 'text/plain' }])
    expect([again, raw].map((a) => ({ status: a.status, body: a.body }))).toEqual([{ status: 200, body: first.body }, { status: 200, body: first.body }])
  })

  it('should answer 201 for new content and 200 with the same body for content already stored', async () => {
    const bytes = Buffer.from(`uploaded twice ${Date.now()}\n`)
    const first = await upload(bytes, 'twice.txt', 'text/plain')
    const second = await upload(bytes, 'twice.txt', 'text/plain')
    expect([first.status, second.status]).toEqual([201, 200])
    expect(second.body).toEqual(first.body)
    expect(first.body).toEqual({ cid: first.body.cid, size: bytes.length, mediaType: 'text/plain' })
  })

  it('should answer a small file kept in memory exactly as a file read from its blocks: bytes, ranges, 304 and headers', async () => {
    // the small file is kept in memory after its first read; a file of more than one chunk is always walked
    const small = Buffer.concat([png, Buffer.from('small tail')])
    const large = Buffer.concat([png, Buffer.alloc(1024 * 1024, 7)])
    const answers = async (bytes: Buffer, name: string): Promise<unknown[]> => {
      const { body } = await upload(bytes, name, 'image/png')
      const url = `${t.url}/cache/${String(body.cid)}`
      const etag = `"${String(body.cid)}"`
      const out: unknown[] = []
      for (const headers of [{}, {}, { range: 'bytes=5-104' }, { range: 'bytes=-7' }, { range: 'bytes=100-', 'if-range': etag }, { 'if-none-match': etag }]) {
        const res = await fetch(url, { headers })
        const got = Buffer.from(await res.arrayBuffer())
        const range = /^bytes (\d+)-(\d+)\/\d+$/.exec(res.headers.get('content-range') ?? '')
        const expected = res.status === 304 ? Buffer.alloc(0) : range != null ? bytes.subarray(Number(range[1]), Number(range[2]) + 1) : bytes
        out.push({
          status: res.status,
          same: got.equals(expected),
          range: res.headers.get('content-range')?.replace(/\/\d+$/, '') ?? null,
          length: res.headers.get('content-length') === String(expected.length) || res.status === 304,
          etag: res.headers.get('etag') === etag,
          ...Object.fromEntries(['content-type', 'cache-control', 'accept-ranges', 'content-security-policy', 'x-content-type-options', 'content-disposition'].map((h) => [h, res.headers.get(h)]))
        })
      }
      return out
    }
    const fromMemory = await answers(small, 'small.png')
    const walked = await answers(large, 'large.png')
    expect(fromMemory.map((a) => (a as { status: number }).status)).toEqual([200, 200, 206, 206, 206, 304])
    expect(fromMemory.every((a) => (a as { same: boolean }).same)).toBe(true)
    // the suffix and open-ended ranges end at different offsets for files of different sizes
    const strip = (a: unknown[]): unknown[] => a.map((x, i) => i === 3 || i === 4 ? { ...(x as object), range: null } : x)
    expect(strip(fromMemory)).toEqual(strip(walked))
  })

  it('should honour If-Range only for the exact strong ETag, else send the whole content with 200', async () => {
    const { body } = await upload(png, 'if-range.png', 'image/png')
    const url = `${t.url}/cache/${String(body.cid)}`
    const ranged = async (ifRange: string): Promise<[number, number, string | null]> => {
      const res = await fetch(url, { headers: { range: 'bytes=0-99', 'if-range': ifRange } })
      return [res.status, (await res.arrayBuffer()).byteLength, res.headers.get('content-range')]
    }
    expect(await ranged(`"${String(body.cid)}"`)).toEqual([206, 100, `bytes 0-99/${png.length}`])
    for (const validator of ['"bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"', `W/"${String(body.cid)}"`, 'Wed, 21 Oct 2015 07:28:00 GMT', 'garbage']) {
      expect([validator, ...await ranged(validator)]).toEqual([validator, 200, png.length, null])
    }
    // a range past the end under a stale validator is not an error either: the whole content comes
    const res = await fetch(url, { headers: { range: `bytes=${png.length}-`, 'if-range': '"stale"' } })
    expect([res.status, (await res.arrayBuffer()).byteLength]).toEqual([200, png.length])
  })
})

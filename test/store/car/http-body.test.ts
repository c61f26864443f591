import { describe, expect, it } from 'vitest'
import { BodyDecoder, HttpFramingError, parseHead, type ResponseHead } from '../../../src/store/car/http-body.js'

const head = (headers: Record<string, string>): ResponseHead => ({ status: 200, headers: new Map(Object.entries(headers)) })

/** decodes `wire` fed in pieces of `size` bytes; returns the body and whether the framing ended it */
function decode (h: ResponseHead, wire: Buffer, size: number): { body: Buffer, done: boolean } {
  const decoder = new BodyDecoder(h)
  const out: Uint8Array[] = []
  for (let at = 0; at < wire.byteLength; at += size) decoder.push(wire.subarray(at, at + size), out)
  return { body: Buffer.concat(out), done: decoder.done }
}

function chunked (parts: Buffer[], trailer = ''): Buffer {
  return Buffer.concat([...parts.map((p) => Buffer.concat([Buffer.from(`${p.byteLength.toString(16)};ext=1\r\n`), p, Buffer.from('\r\n')])), Buffer.from(`0\r\n${trailer}\r\n`)])
}

describe('parseHead', () => {
  it('should wait for the whole head, then give the status, lower-case headers and where the body starts', () => {
    const wire = Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}')
    expect(parseHead(wire.subarray(0, 30))).toBeUndefined()
    const parsed = parseHead(wire)
    expect(parsed?.head.status).toBe(404)
    expect(parsed?.head.headers.get('content-type')).toBe('application/json')
    expect(wire.subarray(parsed?.bodyAt).toString()).toBe('{}')
  })

  it('should name a response that is not HTTP/1.1 and a head that never ends', () => {
    expect(() => parseHead(Buffer.from('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(new HttpFramingError('"SSH-2.0-OpenSSH" is not an HTTP/1.1 status line'))
    expect(() => parseHead(Buffer.from('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n'))).toThrow('"no colon here" is not an HTTP header')
    expect(() => parseHead(Buffer.alloc(70 * 1024, 0x41))).toThrow('response head is larger than 65536 bytes')
  })
})

describe('BodyDecoder', () => {
  const parts = [Buffer.from('hello '), Buffer.alloc(300, 7), Buffer.from('world')]
  const whole = Buffer.concat(parts)

  it('should decode a chunked body fed in pieces of any size, trailers included, and know when it ended', () => {
    const wire = chunked(parts, 'X-Trailer: yes\r\n')
    for (const size of [1, 2, 3, 7, 64, wire.byteLength]) {
      const { body, done } = decode(head({ 'transfer-encoding': 'chunked' }), wire, size)
      expect(body.equals(whole)).toBe(true)
      expect(done).toBe(true)
    }
    const cut = decode(head({ 'transfer-encoding': 'chunked' }), wire.subarray(0, wire.byteLength - 4), 5)
    expect(cut.done).toBe(false)
  })

  it('should hand out views of the pieces it is given, never copies', () => {
    const wire = Buffer.concat([Buffer.from('a\r\n'), Buffer.alloc(10, 1), Buffer.from('\r\n0\r\n\r\n')])
    const out: Uint8Array[] = []
    new BodyDecoder(head({ 'transfer-encoding': 'chunked' })).push(wire, out)
    expect(out).toHaveLength(1)
    expect(out[0]?.buffer).toBe(wire.buffer)
  })

  it('should take exactly content-length bytes, and the rest of the connection without either header', () => {
    const fixed = decode(head({ 'content-length': String(whole.byteLength) }), Buffer.concat([whole, Buffer.from('extra')]), 13)
    expect(fixed.body.equals(whole)).toBe(true)
    expect(fixed.done).toBe(true)
    const short = new BodyDecoder(head({ 'content-length': '500' }))
    short.push(whole, [])
    expect(short.done).toBe(false)
    expect(short.endsAtClose).toBe(false)
    const open = new BodyDecoder(head({}))
    const out: Uint8Array[] = []
    open.push(whole, out)
    expect(Buffer.concat(out).equals(whole)).toBe(true)
    expect(open.endsAtClose).toBe(true)
    expect(new BodyDecoder(head({ 'content-length': '0' })).done).toBe(true)
  })

  it('should name bad framing: a bad chunk size, a chunk longer than its size, unknown encodings and lengths', () => {
    expect(() => decode(head({ 'transfer-encoding': 'chunked' }), Buffer.from('zz\r\n'), 64)).toThrow('"zz" is not a chunk size')
    expect(() => decode(head({ 'transfer-encoding': 'chunked' }), Buffer.from('2\r\nabc\r\n'), 64)).toThrow('a chunk of the body is longer than its size')
    expect(() => decode(head({ 'transfer-encoding': 'chunked' }), Buffer.alloc(5000, 0x31), 64)).toThrow('a line of the chunked body is too long')
    expect(() => new BodyDecoder(head({ 'transfer-encoding': 'gzip' }))).toThrow('transfer-encoding "gzip" is not supported')
    expect(() => new BodyDecoder(head({ 'content-length': '-1' }))).toThrow('content-length "-1" is not a number')
  })
})

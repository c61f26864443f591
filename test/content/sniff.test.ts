import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sniffMediaType } from '../../src/content/index.js'
import { runFfmpeg } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { join } from 'node:path'

const Q = ['-hide_banner', '-nostdin', '-y', '-v', 'error']

describe('sniffMediaType', () => {
  let media: TestMedia
  beforeAll(async () => { media = await makeTestMedia() })
  afterAll(async () => { await media?.cleanup() })

  it('should recognise media that ffmpeg writes', async () => {
    const src = ['-f', 'lavfi', '-i', 'testsrc=size=16x16:duration=0.2:rate=5']
    const tone = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.2']
    const cases: Array<[string, string[], string]> = [
      ['a.jpg', [...src, '-frames:v', '1'], 'image/jpeg'],
      ['a.gif', [...src, '-frames:v', '1'], 'image/gif'],
      ['a.webp', [...src, '-frames:v', '1'], 'image/webp'],
      ['a.webm', [...src, '-c:v', 'libvpx'], 'video/webm'],
      ['a.mkv', [...src, '-c:v', 'libx264'], 'video/x-matroska'],
      ['a.wav', [...tone], 'audio/wav'],
      ['a.mp3', [...tone], 'audio/mpeg']
    ]
    for (const [name, args, expected] of cases) {
      const out = join(media.dir, name)
      await runFfmpeg([...Q, ...args, out])
      expect([name, sniffMediaType(await readFile(out))]).toEqual([name, expected])
    }
    expect(sniffMediaType(await readFile(media.image))).toBe('image/png')
    expect(sniffMediaType(await readFile(media.clip))).toBe('video/mp4')
  })

  it('should recognise JSON and plain text and return undefined for unknown bytes', () => {
    expect(sniffMediaType(Buffer.from('  {"a":1}'))).toBe('application/json')
    expect(sniffMediaType(Buffer.from('[1,2]'))).toBe('application/json')
    expect(sniffMediaType(Buffer.from('hello world\n'))).toBe('text/plain')
    // a UTF-8 character cut by the end of the sniffed head is still text
    expect(sniffMediaType(Buffer.from('grüße', 'utf8').subarray(0, 4))).toBe('text/plain')
    expect(sniffMediaType(Buffer.from([0x68, 0x69, 0x00, 0x01]))).toBeUndefined()
    expect(sniffMediaType(Buffer.from([0xc3, 0x28, 0x41]))).toBeUndefined()
    expect(sniffMediaType(new Uint8Array(0))).toBeUndefined()
    expect(sniffMediaType(Buffer.from(' \n'))).toBeUndefined()
  })

  it('should name nothing a browser would run: markup, PDF and scripts stay unnamed (served as downloads)', () => {
    const samples = ['<!doctype html><script>alert(1)</script>', '\uFEFF  <html>', '<svg xmlns="http://www.w3.org/2000/svg"/>',
      '<?xml version="1.0"?><svg/>', '<script>alert(1)</script>'].map((text) => Buffer.from(text))
    // a PDF's second line is a comment of bytes above 0x7f: not UTF-8
    samples.push(Buffer.from('%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n', 'latin1'))
    for (const bytes of samples) expect([bytes.toString(), sniffMediaType(bytes)]).toEqual([bytes.toString(), undefined])
  })
})

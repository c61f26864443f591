import * as dagJson from '@ipld/dag-json'
import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { encodeDagJson } from '../../src/store/dag-json.js'

const CID_A = CID.parse('bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')

/** plain data with awkward strings: lone surrogates, control characters, quotes, keys that sort oddly */
const awkwardString = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: fc.constantFrom('a', 'B', '"', '\\', '\n', '\u0000', '\u001f', '\u2028', '\ud800', '\udfff', '\ue000', '😀', 'é') })
)
const plain = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null), fc.boolean(), awkwardString,
    fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(awkwardString.filter((k) => k !== '/' && k !== '__proto__'), tie('value'), { maxKeys: 6 })
  )
})).value

describe('encodeDagJson', () => {
  it('should write plain data byte for byte as @ipld/dag-json does, and read back equal', () => {
    fc.assert(fc.property(plain, (value) => {
      const { bytes, linkFree } = encodeDagJson(value)
      expect(linkFree).toBe(true)
      expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from(dagJson.encode(value)).toString('hex'))
      expect(dagJson.decode(bytes)).toEqual(value)
    }), { numRuns: 2000 })
  })

  it('should sort keys as dag-json does, at every depth', () => {
    const { bytes } = encodeDagJson({ b: 1, a: { z: [{ y: true, x: null }], é: 'e', Z: -7 }, aa: '' })
    expect(new TextDecoder().decode(bytes)).toBe('{"a":{"Z":-7,"z":[{"x":null,"y":true}],"é":"e"},"aa":"","b":1}')
  })

  it.each([
    ['a CID', { output: CID_A }],
    ['bytes', { data: new Uint8Array([1, 2, 3]) }],
    ['a float', { ratio: 1.5 }],
    ['a whole float beyond safe integers', { big: 2 ** 60 }],
    ['-0', { zero: -0 }],
    ['a "/" key', { '/': 'not a link' }]
  ])('should hand %s to @ipld/dag-json and say the block may link', (_name, value) => {
    const { bytes, linkFree } = encodeDagJson(value)
    expect(linkFree).toBe(false)
    expect(bytes).toEqual(dagJson.encode(value))
  })

  it.each([
    ['undefined', { missing: undefined }],
    ['NaN', { n: Number.NaN }],
    ['a function', { f: () => 1 }]
  ])('should refuse %s exactly as @ipld/dag-json does', (_name, value) => {
    const expected = (() => { try { dagJson.encode(value); return 'no error' } catch (err) { return (err as Error).message } })()
    expect(expected).not.toBe('no error')
    expect(() => encodeDagJson(value)).toThrow(expected)
  })

  it('should hand values nested deeper than its own limit to @ipld/dag-json', () => {
    let deep: unknown = 'leaf'
    for (let i = 0; i < 100; i++) deep = [deep]
    const { bytes, linkFree } = encodeDagJson(deep)
    expect(linkFree).toBe(false)
    expect(bytes).toEqual(dagJson.encode(deep))
  })
})

import { describe, expect, it } from 'vitest'
import { parseRange } from '../../src/api/range.js'
import { RangeNotSatisfiableError } from '../../src/api/errors.js'

describe('parseRange', () => {
  it('should return undefined without a header or for ranges it does not serve', () => {
    expect(parseRange(undefined, 100)).toBeUndefined()
    expect(parseRange('', 100)).toBeUndefined()
    expect(parseRange('items=0-5', 100)).toBeUndefined()
    expect(parseRange('bytes=0-5,10-20', 100)).toBeUndefined()
    expect(parseRange('bytes=-', 100)).toBeUndefined()
    expect(parseRange('bytes=9-3', 100)).toBeUndefined()
  })

  it('should parse closed, open and suffix ranges', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 })
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 })
    expect(parseRange('bytes=-10', 100)).toEqual({ start: 90, end: 99 })
    expect(parseRange('bytes=-500', 100)).toEqual({ start: 0, end: 99 })
  })

  it('should throw RangeNotSatisfiableError for a range past the end', () => {
    expect(() => parseRange('bytes=100-', 100)).toThrow(RangeNotSatisfiableError)
    expect(() => parseRange('bytes=100-', 100)).toThrow('range "bytes=100-" starts at or after the end of the content (100 bytes)')
    expect(() => parseRange('bytes=-0', 100)).toThrow('range "bytes=-0" selects no bytes of 100')
    try {
      parseRange('bytes=200-300', 100)
    } catch (err) {
      expect((err as RangeNotSatisfiableError).headers).toEqual({ 'Content-Range': 'bytes */100' })
    }
  })
})

import { RangeNotSatisfiableError } from './errors.js'

export interface ByteRange {
  /** first byte, inclusive */
  start: number
  /** last byte, inclusive */
  end: number
}

/**
 * Parses a `Range` header (RFC 9110 section 14) for content of `size` bytes. Returns undefined when the
 * header is absent or not a bytes range we serve (several ranges, other units, syntax we do not know:
 * the whole content is then sent with 200, as the RFC allows), the range when it is satisfiable, and
 * throws RangeNotSatisfiableError (416) when it is well-formed but outside the content.
 */
export function parseRange (header: string | undefined, size: number): ByteRange | undefined {
  if (header == null || header === '') return undefined
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (match == null) return undefined
  const [, first = '', last = ''] = match
  if (first === '' && last === '') return undefined
  if (first === '') {
    // suffix range: the last N bytes
    const suffix = Number(last)
    if (suffix === 0 || size === 0) throw new RangeNotSatisfiableError(`range "${header}" selects no bytes of ${size}`, size)
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(first)
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1)
  if (last !== '' && Number(last) < start) return undefined
  if (start >= size) {
    throw new RangeNotSatisfiableError(`range "${header}" starts at or after the end of the content (${size} bytes)`, size)
  }
  return { start, end }
}

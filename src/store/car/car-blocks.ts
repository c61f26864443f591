import { chunkReader, createDecoder } from '@ipld/car/decoder'
import type { CID } from 'multiformats/cid'
import { CarBlockTooLargeError, CarHeaderError, CarTruncatedError } from './errors.js'

type BytesReader = Parameters<typeof createDecoder>[0]

/** the blocks of a CARv1 stream, parsed by @ipld/car's streaming decoder */
export interface CarBlocks {
  /** the header's roots; rejects unless the stream is a CARv1 */
  roots: () => Promise<CID[]>
  /** every section's block in stream order (call after roots) */
  blocks: () => AsyncGenerator<{ cid: CID, bytes: Uint8Array }>
}

/**
 * Reads a CARv1 stream with @ipld/car's decoder. Each chunk of the source is copied as it is taken,
 * so a source may reuse its memory once the next chunk is asked for (the HTTP client does). Around it: no read may ask for more than `maxBlockBytes` (the decoder would otherwise buffer whatever
 * length a section claims), and its plain errors become ours: the stream ending inside the header or a
 * section is CarTruncatedError, anything else it rejects CarHeaderError. An error of the source itself
 * (a broken transfer, an abort) goes through unchanged.
 */
export function carBlocks (source: AsyncIterator<Uint8Array>, maxBlockBytes: number): CarBlocks {
  let ended = false
  let received = 0
  const ours = new WeakSet<object>()
  const chunks = chunkReader(async () => {
    let next: IteratorResult<Uint8Array>
    try {
      next = await source.next()
    } catch (err) {
      if (err != null && typeof err === 'object') ours.add(err)
      throw err
    }
    if (next.done === true) {
      ended = true
      return null
    }
    received += next.value.byteLength
    // a copy: the decoder holds earlier chunks while it pulls more, and the source may reuse their memory
    return Uint8Array.prototype.slice.call(next.value)
  })
  const limit = (n: number): void => {
    if (n > maxBlockBytes) {
      const err = new CarBlockTooLargeError(`CAR section of ${n} bytes exceeds the block limit of ${maxBlockBytes} bytes`)
      ours.add(err)
      throw err
    }
  }
  const reader: BytesReader = {
    upTo: async (n) => { limit(n); return await chunks.upTo(n) },
    exactly: async (n, seek) => { limit(n); return await chunks.exactly(n, seek) },
    seek: (n) => { chunks.seek(n) },
    get pos () { return chunks.pos }
  }
  const decoder = createDecoder(reader)
  // the decoder starts on the header at once; a failure is reported by roots()
  decoder.header().catch(() => {})
  const translate = (err: unknown, where: string): Error => {
    if (err != null && typeof err === 'object' && ours.has(err)) return err as Error
    const message = (err as Error)?.message ?? String(err)
    if (received === 0 && ended) return new CarTruncatedError('CAR stream is empty: no header')
    if (ended) return new CarTruncatedError(`CAR stream ended inside ${where} after ${received} bytes: ${message}`)
    return new CarHeaderError(`CAR ${where} is not valid: ${message}`)
  }
  return {
    roots: async () => {
      let header
      try {
        header = await decoder.header()
      } catch (err) {
        throw translate(err, 'the header')
      }
      if (header.version !== 1) throw new CarHeaderError(`CAR header version is ${String(header.version)}; only CARv1 is supported`)
      if (header.roots.length === 0) throw new CarHeaderError('CAR header has no roots')
      return header.roots
    },
    blocks: async function * () {
      const it = decoder.blocks()
      for (;;) {
        let next: IteratorResult<{ cid: CID, bytes: Uint8Array }>
        try {
          next = await it.next()
        } catch (err) {
          throw translate(err, 'a section')
        }
        if (next.done === true) return
        yield next.value
      }
    }
  }
}

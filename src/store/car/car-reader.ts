import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import type { BufferPool } from './buffer-pool.js'
import { CarBlockTooLargeError, CarHeaderError, CarTruncatedError } from './errors.js'

/**
 * Incremental CARv1 parser over a byte stream: yields the header once, then `{cid, bytes}` per
 * section, and throws CarTruncatedError when the stream ends inside the header or a section.
 *
 * A chunk of the source is only read until the next chunk is asked for: the source may reuse its
 * memory then (the HTTP client reads the socket into recycled buffers). So every section is copied
 * out into a buffer of its own, taken from `pool` when one is given (the caller gives it back once
 * the block is written).
 */
export class CarReader {
  /** the unread rest of the source's current chunk */
  private current: Uint8Array = new Uint8Array(0)
  private ended = false

  constructor (private readonly source: AsyncIterator<Uint8Array>, private readonly maxBlockBytes: number, private readonly pool?: BufferPool) {}

  async readHeader (): Promise<{ roots: CID[] }> {
    const size = await this.readVarint('header')
    if (size == null) throw new CarTruncatedError('CAR stream is empty: no header')
    if (size > 64 * 1024) throw new CarHeaderError(`CAR header of ${size} bytes is too large`)
    const bytes = await this.readExactly(size, 'header', false)
    let header: unknown
    try {
      header = dagCbor.decode(bytes)
    } catch {
      throw new CarHeaderError('CAR header is not valid DAG-CBOR')
    }
    const h = header as { version?: unknown, roots?: unknown }
    if (h == null || typeof h !== 'object' || h.version !== 1) {
      throw new CarHeaderError(`CAR header version is ${String(h?.version)}; only CARv1 is supported`)
    }
    const roots = Array.isArray(h.roots) ? h.roots.map((r) => CID.asCID(r)) : []
    if (roots.length === 0 || roots.some((r) => r == null)) throw new CarHeaderError('CAR header has no valid roots')
    return { roots: roots as CID[] }
  }

  /** the next section, or undefined at a clean end of stream */
  async readSection (): Promise<{ cid: CID, bytes: Uint8Array } | undefined> {
    const size = await this.readVarint('section')
    if (size == null) return undefined
    if (size > this.maxBlockBytes + 128) {
      throw new CarBlockTooLargeError(`CAR section of ${size} bytes exceeds the block limit of ${this.maxBlockBytes} bytes`)
    }
    const section = await this.readExactly(size, 'section', true)
    let cid: CID
    let cidLength: number
    try {
      [cid, cidLength] = decodeCidPrefix(section)
    } catch {
      this.pool?.give(section)
      throw new CarHeaderError('CAR section starts with an invalid CID')
    }
    return { cid, bytes: section.subarray(cidLength) }
  }

  /** makes `current` non-empty; false at the end of the stream */
  private async pull (): Promise<boolean> {
    while (this.current.byteLength === 0) {
      if (this.ended) return false
      const next = await this.source.next()
      if (next.done === true) {
        this.ended = true
        return false
      }
      this.current = next.value
    }
    return true
  }

  /** varint at the front, or undefined when the stream ends cleanly before it */
  private async readVarint (what: string): Promise<number | undefined> {
    if (!(await this.pull())) return undefined
    // a varint of a block length is at most 4 bytes; read up to 9, byte by byte across chunks
    let value = 0
    for (let i = 0; i < 9; i++) {
      if (!(await this.pull())) throw new CarTruncatedError(`CAR stream ended inside the length of a ${what}`)
      const byte = this.current[0] as number
      this.current = this.current.subarray(1)
      value += (byte & 0x7f) * 2 ** (7 * i)
      if ((byte & 0x80) === 0) return value
    }
    throw new CarHeaderError(`CAR ${what} length is not a valid varint`)
  }

  /** the next `n` bytes copied into a buffer of their own (a pooled one for a section when there is a pool) */
  private async readExactly (n: number, what: string, pooled: boolean): Promise<Uint8Array> {
    // every byte is written below, so the buffer need not be zeroed first
    const out = pooled && this.pool != null ? this.pool.take(n) : new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n)
    let at = 0
    while (at < n) {
      if (!(await this.pull())) {
        if (pooled) this.pool?.give(out)
        throw new CarTruncatedError(`CAR stream ended inside a ${what}: ${at} of ${n} bytes arrived`)
      }
      const take = Math.min(this.current.byteLength, n - at)
      out.set(this.current.subarray(0, take), at)
      this.current = this.current.subarray(take)
      at += take
    }
    return out
  }
}

/** CIDv1 at the start of bytes: version, codec, multihash code, digest length, digest */
function decodeCidPrefix (bytes: Uint8Array): [CID, number] {
  let at = 0
  const next = (): number => {
    const [v, l] = varint.decode(bytes.subarray(at))
    at += l
    return v
  }
  const version = next()
  if (version !== 1) throw new Error('only CIDv1 in sections')
  next() // codec
  next() // multihash code
  const digestLength = next()
  at += digestLength
  if (at > bytes.byteLength) throw new Error('CID longer than its section')
  // a copy of the CID's bytes: the section's buffer may be reused while the CID lives on (in a put, an announce)
  return [CID.decode(new Uint8Array(bytes.subarray(0, at))), at]
}

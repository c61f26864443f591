import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import type { BufferPool } from './buffer-pool.js'
import { CarBlockTooLargeError, CarHeaderError, CarTruncatedError } from './errors.js'

/**
 * Incremental CARv1 parser over a byte stream: yields the header once, then `{cid, bytes}` per
 * section. It keeps at most one section buffered and throws CarTruncatedError when the stream
 * ends inside the header or a section. A section that spans several chunks is copied into one
 * buffer, taken from `pool` when one is given (the caller gives it back once the block is written).
 */
export class CarReader {
  private chunks: Uint8Array[] = []
  private buffered = 0

  constructor (private readonly source: AsyncIterator<Uint8Array>, private readonly maxBlockBytes: number, private readonly pool?: BufferPool) {}

  async readHeader (): Promise<{ roots: CID[] }> {
    const size = await this.readVarint('header')
    if (size == null) throw new CarTruncatedError('CAR stream is empty: no header')
    if (size > 64 * 1024) throw new CarHeaderError(`CAR header of ${size} bytes is too large`)
    const bytes = await this.readExactly(size, 'header')
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
    const section = await this.readExactly(size, 'section')
    let cid: CID
    let cidLength: number
    try {
      [cid, cidLength] = decodeCidPrefix(section)
    } catch {
      throw new CarHeaderError('CAR section starts with an invalid CID')
    }
    return { cid, bytes: section.subarray(cidLength) }
  }

  private async fill (n: number): Promise<boolean> {
    while (this.buffered < n) {
      const next = await this.source.next()
      if (next.done === true) return false
      if (next.value.byteLength === 0) continue
      this.chunks.push(next.value)
      this.buffered += next.value.byteLength
    }
    return true
  }

  /** varint at the front, or undefined when the stream ends cleanly before it */
  private async readVarint (what: string): Promise<number | undefined> {
    if (!(await this.fill(1))) return undefined
    // a varint of a block length is at most 4 bytes; read up to 9 without requiring them all
    for (let want = 1; want <= 9; want++) {
      if (!(await this.fill(want))) throw new CarTruncatedError(`CAR stream ended inside the length of a ${what}`)
      const head = this.peek(want)
      if (((head[want - 1] as number) & 0x80) === 0) {
        const [value, length] = varint.decode(head)
        this.consume(length)
        return value
      }
    }
    throw new CarHeaderError(`CAR ${what} length is not a valid varint`)
  }

  private async readExactly (n: number, what: string): Promise<Uint8Array> {
    if (!(await this.fill(n))) {
      throw new CarTruncatedError(`CAR stream ended inside a ${what}: ${this.buffered} of ${n} bytes arrived`)
    }
    const out = this.peek(n)
    this.consume(n)
    return out
  }

  private peek (n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array
    if (first.byteLength >= n) return first.subarray(0, n)
    // every byte is written below, so the buffer need not be zeroed first
    const out = this.pool != null ? this.pool.take(n) : new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n)
    let at = 0
    for (const c of this.chunks) {
      const take = Math.min(c.byteLength, n - at)
      out.set(c.subarray(0, take), at)
      at += take
      if (at === n) break
    }
    return out
  }

  private consume (n: number): void {
    this.buffered -= n
    while (n > 0) {
      const first = this.chunks[0] as Uint8Array
      if (first.byteLength <= n) {
        this.chunks.shift()
        n -= first.byteLength
      } else {
        this.chunks[0] = first.subarray(n)
        n = 0
      }
    }
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

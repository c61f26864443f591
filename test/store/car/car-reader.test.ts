import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { BufferPool } from '../../../src/store/car/buffer-pool.js'
import { encodeHeader, encodeSection } from '../../../src/store/car/car-format.js'
import { CarReader } from '../../../src/store/car/car-reader.js'
import { CarTruncatedError } from '../../../src/store/car/errors.js'

async function rawBlock (bytes: Uint8Array): Promise<{ cid: CID, bytes: Uint8Array }> {
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/**
 * `car` in pieces of the given sizes, all delivered in ONE buffer that is scribbled over when the next
 * piece is asked for: the way the HTTP client's recycled socket buffers behave
 */
async function * reusedBuffer (car: Uint8Array, sizes: () => number): AsyncGenerator<Uint8Array> {
  const shared = new Uint8Array(car.byteLength)
  for (let at = 0; at < car.byteLength;) {
    const n = Math.min(sizes(), car.byteLength - at)
    shared.set(car.subarray(at, at + n), 0)
    yield shared.subarray(0, n)
    shared.fill(0xee)
    at += n
  }
}

describe('CarReader', () => {
  it('should read every section intact from a source that reuses its memory, in pieces of any size', async () => {
    const blocks = await Promise.all([1, 5000, 70_000, 300_000, 3].map(async (n) => await rawBlock(randomBytes(n))))
    const car = Buffer.concat([encodeHeader((blocks[0] as { cid: CID }).cid), ...blocks.flatMap((b) => encodeSection(b.cid, b.bytes))])
    for (const size of [1, 2, 7, 4096, 65_536, 1 << 20]) {
      let flip = 0
      // alternate the piece size so boundaries fall everywhere: inside varints, CIDs and blocks
      const reader = new CarReader(reusedBuffer(car, () => (flip++ % 2 === 0 ? size : size + 3))[Symbol.asyncIterator](), 1 << 21, new BufferPool(1 << 20, 4))
      const { roots } = await reader.readHeader()
      expect(roots[0]?.equals(blocks[0]?.cid)).toBe(true)
      const got: Array<{ cid: CID, bytes: Uint8Array }> = []
      for (let s = await reader.readSection(); s != null; s = await reader.readSection()) got.push(s)
      // every block is checked only after all were read: the reader must have copied each one out
      expect(got.map((s) => s.cid.toString())).toEqual(blocks.map((b) => b.cid.toString()))
      got.forEach((s, i) => { expect(Buffer.from(s.bytes).equals(Buffer.from((blocks[i] as { bytes: Uint8Array }).bytes))).toBe(true) })
    }
  })

  it('should name how much of a section arrived when the stream stops inside it', async () => {
    const block = await rawBlock(randomBytes(1000))
    const car = Buffer.concat([encodeHeader(block.cid), ...encodeSection(block.cid, block.bytes)])
    const reader = new CarReader(reusedBuffer(car.subarray(0, car.byteLength - 10), () => 100)[Symbol.asyncIterator](), 1 << 21)
    await reader.readHeader()
    const failure = reader.readSection()
    await expect(failure).rejects.toBeInstanceOf(CarTruncatedError)
    await expect(failure).rejects.toThrow(/ended inside a section: 1026 of 1036 bytes arrived/)
  })
})

import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { varint } from 'multiformats'
import { describe, expect, it } from 'vitest'
import { encodeHeader, encodeSection } from '../../../src/store/car/car-format.js'
import { carBlocks } from '../../../src/store/car/car-blocks.js'
import { CarBlockTooLargeError, CarHeaderError, CarTransferError, CarTruncatedError } from '../../../src/store/car/errors.js'

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

async function readAll (source: AsyncIterable<Uint8Array>, max = 1 << 21): Promise<Array<{ cid: CID, bytes: Uint8Array }>> {
  const car = carBlocks(source[Symbol.asyncIterator](), max)
  await car.roots()
  const got: Array<{ cid: CID, bytes: Uint8Array }> = []
  for await (const b of car.blocks()) got.push(b)
  return got
}

describe('carBlocks (@ipld/car decoder)', () => {
  it('should read every block intact from a source that reuses its memory, in pieces of any size', async () => {
    const blocks = await Promise.all([1, 5000, 70_000, 150_000, 3].map(async (n) => await rawBlock(randomBytes(n))))
    const car = Buffer.concat([encodeHeader((blocks[0] as { cid: CID }).cid), ...blocks.flatMap((b) => encodeSection(b.cid, b.bytes))])
    for (const size of [1, 2, 7, 4096, 65_536, 1 << 20]) {
      let flip = 0
      // alternate the piece size so boundaries fall everywhere: inside varints, CIDs and blocks
      const reader = carBlocks(reusedBuffer(car, () => (flip++ % 2 === 0 ? size : size + 3))[Symbol.asyncIterator](), 1 << 21)
      const roots = await reader.roots()
      expect(roots[0]?.equals(blocks[0]?.cid)).toBe(true)
      const got: Array<{ cid: CID, bytes: Uint8Array }> = []
      for await (const b of reader.blocks()) got.push(b)
      // every block is checked only after all were read: the decoder must have copied each one out
      expect(got.map((s) => s.cid.toString())).toEqual(blocks.map((b) => b.cid.toString()))
      got.forEach((s, i) => { expect(Buffer.from(s.bytes).equals(Buffer.from((blocks[i] as { bytes: Uint8Array }).bytes))).toBe(true) })
    }
  })

  it('should say CarTruncatedError when the stream stops inside a section, or before the header', async () => {
    const block = await rawBlock(randomBytes(1000))
    const car = Buffer.concat([encodeHeader(block.cid), ...encodeSection(block.cid, block.bytes)])
    await expect(readAll(reusedBuffer(car.subarray(0, car.byteLength - 10), () => 100))).rejects.toThrow(CarTruncatedError)
    await expect(readAll(reusedBuffer(new Uint8Array(0), () => 100))).rejects.toThrow(/CAR stream is empty/)
  })

  it('should refuse a section longer than the block limit before buffering it', async () => {
    const block = await rawBlock(randomBytes(5000))
    // a section that claims 1 GiB: the decoder must not wait for (or hold) that much
    const claim = new Uint8Array(varint.encodingLength(1 << 30))
    varint.encodeTo(1 << 30, claim)
    const car = Buffer.concat([encodeHeader(block.cid), claim, block.cid.bytes, block.bytes])
    await expect(readAll(reusedBuffer(car, () => 4096), 4096)).rejects.toThrow(CarBlockTooLargeError)
    const fits = Buffer.concat([encodeHeader(block.cid), ...encodeSection(block.cid, block.bytes)])
    await expect(readAll(reusedBuffer(fits, () => 4096), 4096)).rejects.toThrow(/5000 bytes exceeds the block limit of 4096/)
  })

  it('should say CarHeaderError for bytes that are not a CARv1', async () => {
    await expect(readAll(reusedBuffer(Buffer.from('\x05hello world, not a CAR at all'), () => 64))).rejects.toThrow(CarHeaderError)
  })

  it('should pass an error of the source through unchanged', async () => {
    const block = await rawBlock(randomBytes(3000))
    const car = Buffer.concat([encodeHeader(block.cid), ...encodeSection(block.cid, block.bytes)])
    async function * broken (): AsyncGenerator<Uint8Array> {
      yield car.subarray(0, 1500)
      throw new CarTransferError('the peer hung up')
    }
    await expect(readAll(broken())).rejects.toThrow(CarTransferError)
  })
})

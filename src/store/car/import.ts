import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { carBlocks } from './car-blocks.js'
import { checkSupported, linksOf } from './codecs.js'
import { IMPORT_WINDOW_BYTES, IMPORT_WRITE_CONCURRENCY, MAX_BLOCK_BYTES } from './constants.js'
import { CarBlockMismatchError, CarHeaderError, CarTruncatedError, CarUnexpectedBlockError } from './errors.js'
import { WriteWindow } from './write-window.js'
import type { Helia } from '@helia/interface'
import type { InflightBlocks } from '../holds.js'

export interface ImportCarOptions {
  signal?: AbortSignal
  /** @default 2 MiB + 1 KiB */
  maxBlockBytes?: number
  /** each block is held here from before it is written until the import ends, so a collection leaves it alone */
  inflight?: InflightBlocks
  /** told of each block once it is verified, before it is written; `bytes` are valid only during the call (copy what you keep) */
  onVerified?: (cid: CID, bytes: Uint8Array) => void
  /** told of each block once it is in the blockstore (the root last) */
  onWritten?: (cid: CID) => void
}

export interface ImportCarResult {
  root: CID
  blocks: number
  /** bytes of block data (without CAR framing) */
  bytes: number
}

export type CarBlockSink = Pick<Helia, 'blockstore'>

/**
 * Reads a CARv1 stream whose only root must be `expectedRoot`, checks every block against its CID
 * (sha2-256) as it arrives, accepts only blocks reachable from the root through blocks already
 * received, and writes them into the blockstore. The root block is written last, once every block
 * of the DAG has arrived and verified: a failed import (bad block, truncated stream, abort) never
 * leaves the root in the blockstore, so the DAG never looks complete. Blocks written before the
 * failure are unpinned and left to GC.
 */
export async function importCar (helia: CarBlockSink, source: AsyncIterable<Uint8Array>, expectedRoot: CID | string, options: ImportCarOptions = {}): Promise<ImportCarResult> {
  options.signal?.throwIfAborted()
  const root = typeof expectedRoot === 'string' ? CID.parse(expectedRoot) : expectedRoot
  checkSupported(root)
  const iterator = source[Symbol.asyncIterator]()
  // Verified blocks are written concurrently (bounded) while the next ones arrive from the network.
  // Measured (256 MiB, 2 shared cores): the writes still cost B about a third of its CPU, mostly the
  // kernel copying into the page cache; Helia's put (has + mkdir + temp file + rename) is kept for its
  // GC lock and bitswap announce.
  const held: CID[] = []
  const hold = (cid: CID): void => {
    options.inflight?.hold(cid)
    held.push(cid)
  }
  const writes = new WriteWindow(async (cid, bytes) => {
    await helia.blockstore.put(cid, bytes, { signal: options.signal })
    options.onWritten?.(cid)
  }, { concurrency: IMPORT_WRITE_CONCURRENCY, maxBytes: IMPORT_WINDOW_BYTES })
  try {
    const car = carBlocks(iterator, options.maxBlockBytes ?? MAX_BLOCK_BYTES)
    const roots = await car.roots()
    if (roots.length !== 1 || !(roots[0] as CID).equals(root)) {
      throw new CarHeaderError(`CAR roots are [${roots.map(String).join(', ')}], expected exactly [${root.toString()}]`)
    }
    const expected = new Set<string>([root.toString()])
    const received = new Set<string>()
    let rootBytes: Uint8Array | undefined
    let blocks = 0
    let bytes = 0
    for await (const { cid, bytes: block } of car.blocks()) {
      options.signal?.throwIfAborted()
      const key = cid.toString()
      if (received.has(key)) continue
      if (!expected.has(key)) {
        throw new CarUnexpectedBlockError(`CAR block ${key} is not linked from any block received before it (root ${root.toString()})`)
      }
      checkSupported(cid)
      verify(cid, block)
      received.add(key)
      blocks++
      bytes += block.byteLength
      for (const link of linksOf(cid, block)) expected.add(link.toString())
      options.onVerified?.(cid, block)
      if (cid.equals(root)) {
        // written last, after every other block
        rootBytes = block
        continue
      }
      hold(cid)
      await writes.add(cid, block)
    }
    const missing = expected.size - received.size
    if (missing > 0 || rootBytes == null) {
      throw new CarTruncatedError(`CAR stream ended before the DAG of ${root.toString()} was complete: ${missing} of ${expected.size} blocks missing`)
    }
    await writes.drain()
    options.signal?.throwIfAborted()
    hold(root)
    await helia.blockstore.put(root, rootBytes, { signal: options.signal })
    options.onWritten?.(root)
    return { root, blocks, bytes }
  } finally {
    // never return while a write of this import is still running; stop the producer (a network stream)
    await writes.settle()
    for (const cid of held) options.inflight?.release(cid)
    await iterator.return?.()
  }
}

function verify (cid: CID, bytes: Uint8Array): void {
  const digest = createHash('sha256').update(bytes).digest()
  const expected = cid.multihash.digest
  if (digest.byteLength !== expected.byteLength || !digest.equals(expected)) {
    throw new CarBlockMismatchError(`CAR block ${cid.toString()} does not match its CID: sha2-256 of its ${bytes.byteLength} bytes is ${digest.toString('hex')}`)
  }
}

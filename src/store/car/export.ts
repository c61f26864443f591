import { CID } from 'multiformats/cid'
import { encodeHeader, sectionPrefix } from './car-format.js'
import { checkSupported, linksOf } from './codecs.js'
import { DEFAULT_EXPORT_READ_AHEAD, RAW_CODE } from './constants.js'
import { localBlockReader } from './block-reader.js'
import type { BufferPool } from './buffer-pool.js'
import { concatBytes } from '../../util/index.js'
import type { Helia } from '@helia/interface'

export interface ExportCarOptions {
  signal?: AbortSignal
  /** blocks read ahead of the consumer @default 32 */
  readAhead?: number
  /**
   * buffers to read blocks into (filesystem blockstores): the consumer may give each yielded chunk
   * back to the pool once it has written it; the export reads nothing from a chunk after yielding it
   */
  pool?: BufferPool
}

export type CarBlockSource = Pick<Helia, 'blockstore'>

/**
 * Streams the whole DAG under `root` as a CARv1 (IPIP-402 trustless gateway: one root, blocks in
 * depth-first order, each block once). Only local blocks are read; a missing one throws
 * CarBlockMissingError (the bulk path never turns into a bitswap fetch).
 */
export async function * exportCar (helia: CarBlockSource, root: CID | string, options: ExportCarOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const rootCid = typeof root === 'string' ? CID.parse(root) : root
  checkSupported(rootCid)
  const readAhead = Math.max(1, options.readAhead ?? DEFAULT_EXPORT_READ_AHEAD)
  const seen = new Set<string>()
  const readBlock = localBlockReader(helia.blockstore, options.pool)
  const read = async (cid: CID): Promise<Uint8Array[]> => {
    checkSupported(cid)
    return await readBlock(cid, options.signal)
  }

  // the root is read before anything is yielded: a DAG that is not here fails on the first next()
  const rootBytes = concatBytes(await read(rootCid))
  yield encodeHeader(rootCid)
  // explicit stack of child lists (a recursive generator costs a frame per level and per block)
  type Frame = { links: CID[], next: number, pending: Map<number, Promise<Uint8Array[]>> }
  seen.add(rootCid.toString())
  // links are decoded before a block is yielded: the consumer may hand its buffer back right after
  const stack: Frame[] = [{ links: linksOf(rootCid, rootBytes), next: 0, pending: new Map() }]
  yield sectionPrefix(rootCid, rootBytes.byteLength)
  yield rootBytes
  while (stack.length > 0) {
    options.signal?.throwIfAborted()
    const frame = stack[stack.length - 1] as Frame
    if (frame.next >= frame.links.length) {
      stack.pop()
      continue
    }
    // keep `readAhead` reads in flight for the following siblings
    for (let i = frame.next; i < Math.min(frame.links.length, frame.next + readAhead); i++) {
      const link = frame.links[i] as CID
      if (!frame.pending.has(i) && !seen.has(link.toString())) {
        const p = read(link)
        p.catch(() => {}) // awaited below; this only keeps an unawaited failure from being unhandled
        frame.pending.set(i, p)
      }
    }
    const index = frame.next++
    const cid = frame.links[index] as CID
    const pending = frame.pending.get(index)
    frame.pending.delete(index)
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    checkSupported(cid)
    const parts = await (pending ?? read(cid))
    let size = 0
    for (const part of parts) size += part.byteLength
    yield sectionPrefix(cid, size)
    // a raw leaf (the bulk of a file) goes out as the chunks the blockstore read, never copied
    if (cid.code === RAW_CODE) {
      for (const part of parts) yield part
      continue
    }
    const bytes = concatBytes(parts)
    const links = linksOf(cid, bytes)
    if (links.length > 0) stack.push({ links, next: 0, pending: new Map() })
    yield bytes
  }
}

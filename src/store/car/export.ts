import { CID } from 'multiformats/cid'
import { encodeHeader, encodeSection } from './car-format.js'
import { checkSupported, linksOf } from './codecs.js'
import { DEFAULT_EXPORT_READ_AHEAD } from './constants.js'
import { CarBlockMissingError } from './errors.js'
import { concatBytes } from '../../util/bytes.js'
import type { Helia } from '@helia/interface'

export interface ExportCarOptions {
  signal?: AbortSignal
  /** blocks read ahead of the consumer @default 32 */
  readAhead?: number
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
  const read = (cid: CID): Promise<Uint8Array> => readLocal(helia, cid, options.signal)

  // the root is read before anything is yielded: a DAG that is not here fails on the first next()
  const rootBytes = await read(rootCid)
  yield encodeHeader(rootCid)
  // explicit stack of child lists (a recursive generator costs a frame per level and per block)
  type Frame = { links: CID[], next: number, pending: Map<number, Promise<Uint8Array>> }
  seen.add(rootCid.toString())
  yield * encodeSection(rootCid, rootBytes)
  const stack: Frame[] = [{ links: linksOf(rootCid, rootBytes), next: 0, pending: new Map() }]
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
    const bytes = await (pending ?? read(cid))
    yield * encodeSection(cid, bytes)
    const links = linksOf(cid, bytes)
    if (links.length > 0) stack.push({ links, next: 0, pending: new Map() })
  }
}

async function readLocal (helia: CarBlockSource, cid: CID, signal?: AbortSignal): Promise<Uint8Array> {
  checkSupported(cid)
  const parts: Uint8Array[] = []
  try {
    for await (const part of helia.blockstore.get(cid, { offline: true, signal })) parts.push(part)
  } catch (err) {
    if ((err as Error).name === 'BlockNotFoundWhileOfflineError' || (err as Error).name === 'NotFoundError') {
      throw new CarBlockMissingError(`block ${cid.toString()} is not in the local blockstore`)
    }
    throw err
  }
  return concatBytes(parts)
}

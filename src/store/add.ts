import { importFile } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { WriteWindow } from './car/index.js'
import { ADD_WINDOW_BYTES, ADD_WRITE_CONCURRENCY, CHUNK_SIZE, MAX_CHILDREN_PER_NODE } from './constants.js'
import { StoreFullError } from './errors.js'
import { collect, mhKey } from './verify.js'
import type { Holds } from './holds.js'
import type { AbortOptions } from './types.js'
import type { Blocks } from '@helia/interface'
import type { CID } from 'multiformats/cid'

export interface AddContext {
  blocks: Pick<Blocks, 'put' | 'has' | 'delete'>
  /** the add holds each block from before it writes it until the add ends */
  holds: Holds
  /** told of the root before the add lets go of its blocks (the caller keeps it until it is pinned) */
  keep?: (root: CID) => void
  /** called once per add, before the first new block: bytes the store holds now */
  currentSize(): Promise<number>
  /** @default unlimited */
  maxBytes?: number
  /** bytes of new blocks written by adds still running (shared, so concurrent adds respect the quota together) */
  pending: { bytes: number }
  /** told before a failed add deletes the blocks it wrote (what the store remembers as whole may lose one) */
  onDelete?(): void
}

/**
 * Imports a byte stream as a UnixFS file with the IPIP-499 `unixfs-v1-2025` profile, every option spelled
 * out so a change of library defaults cannot change our CIDs. Streams: at most a few chunks are in memory.
 * Block writes run in the background within a bounded window, so reading and hashing the next chunks
 * overlap the file writes; the root is handed out only after every write has landed.
 * On any failure (quota, abort, source error) the blocks this add wrote are deleted again, unless another
 * add in flight uses them, so nothing half-written stays behind.
 */
export async function addContent (source: AsyncIterable<Uint8Array>, ctx: AddContext, options: AbortOptions = {}): Promise<{ cid: CID, size: number }> {
  options.signal?.throwIfAborted()
  const written: Array<{ cid: CID, size: number }> = []
  const touched: CID[] = []
  /** the block writes this add started: the importer goes on while they run, and one may fail while others run */
  const writes = new WriteWindow(async (cid, bytes) => await ctx.blocks.put(cid, bytes, options), { concurrency: ADD_WRITE_CONCURRENCY, maxBytes: ADD_WINDOW_BYTES })
  /** blocks this add writes already (a file repeating a chunk gives the same CID again) */
  const started = new Set<string>()
  let base: number | undefined
  let size = 0
  const tracking = {
    has: async (cid: CID, o?: AbortOptions) => await ctx.blocks.has(cid, o),
    put: async (cid: CID, block: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, o?: AbortOptions): Promise<CID> => {
      const key = mhKey(cid)
      if (started.has(key)) return cid
      started.add(key)
      ctx.holds.blocks.hold(cid)
      touched.push(cid)
      // a collection is deleting this very block: the write must land after that delete, not before it
      if (ctx.holds.isDeleting(cid)) await ctx.holds.settled()
      if (await ctx.blocks.has(cid, o)) return cid
      const bytes = block instanceof Uint8Array ? block : await collect(block)
      if (ctx.maxBytes != null) {
        base ??= await ctx.currentSize()
        if (base + ctx.pending.bytes + bytes.byteLength > ctx.maxBytes) {
          throw new StoreFullError(`the store is full: adding this content would exceed its quota of ${ctx.maxBytes} bytes`)
        }
      }
      ctx.pending.bytes += bytes.byteLength
      written.push({ cid, size: bytes.byteLength })
      await writes.add(cid, bytes)
      return cid
    }
  }
  async function * counted (): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      options.signal?.throwIfAborted()
      size += chunk.byteLength
      yield chunk
    }
  }
  try {
    const entry = await importFile({ content: counted() }, tracking, {
      profile: 'unixfs-v1-2025',
      cidVersion: 1,
      rawLeaves: true,
      reduceSingleLeafToSelf: true,
      chunker: fixedSize({ chunkSize: CHUNK_SIZE }),
      layout: balanced({ maxChildrenPerNode: MAX_CHILDREN_PER_NODE })
    })
    // every block on disk before anyone hears of the root
    await writes.drain()
    ctx.keep?.(entry.cid)
    return { cid: entry.cid, size }
  } catch (err) {
    // a write still running would land after its delete and leave its block behind
    await writes.settle()
    await rollback(written, touched, ctx)
    throw err
  } finally {
    for (const w of written) ctx.pending.bytes -= w.size
    for (const cid of touched) ctx.holds.blocks.release(cid)
  }
}

async function rollback (written: Array<{ cid: CID }>, touched: CID[], ctx: AddContext): Promise<void> {
  if (written.length > 0) ctx.onDelete?.()
  for (const { cid } of written) {
    // more holds than this add's own means another add in flight needs the block too
    const own = touched.filter((t) => t.equals(cid)).length
    if (ctx.holds.blocks.count(cid) > own) continue
    try {
      await ctx.blocks.delete(cid)
    } catch {
      // pinned by someone else meanwhile: then it is referenced and must stay
    }
  }
}

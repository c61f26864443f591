import { setImmediate as nextTurn } from 'node:timers/promises'
import { createUnsafe } from 'multiformats/block'
import { GC_BATCH_BLOCKS, GC_LINKS_REMEMBERED, IDENTITY_CODE, RAW_CODE } from './constants.js'
import { collect, mhKey, verifyBlock } from './verify.js'
import type { Holds } from './holds.js'
import type { Helia } from '@helia/interface'
import type { Blockstore } from 'interface-blockstore'
import type { Logger } from '../util/index.js'
import type { CID } from 'multiformats/cid'

export interface GcContext {
  /** the blockstore below Helia's wrappers: a read never asks the network, a delete takes no lock */
  local: Pick<Blockstore, 'get' | 'getAll' | 'delete'>
  getCodec: Helia['getCodec']
  /** every pinned root */
  roots: (options: { signal: AbortSignal }) => AsyncIterable<CID>
  holds: Holds
  links: LinkMemo
  log: Logger
  /** removes a block whose bytes do not match its CID */
  drop: (cid: CID) => Promise<void>
  /** told after a batch removed blocks */
  onRemoved?: () => void
  /** a pinned DAG had a damaged block (already dropped): the walk goes on without what lies below it */
  onCorrupt?: (root: CID, err: unknown) => Promise<void>
}

export interface GcResult {
  removed: number
}

/**
 * The links of DAG blocks already read. A block's links never change (its CID is its hash), so a
 * collection walks every pinned DAG again without reading the blocks it walked before. Keeping a
 * stale entry (the block left the store since) only keeps more than needed, never less.
 */
export class LinkMemo {
  private readonly links = new Map<string, CID[]>()

  constructor (private readonly max = GC_LINKS_REMEMBERED) {}

  get (cid: CID): CID[] | undefined {
    return this.links.get(cid.toString())
  }

  set (cid: CID, links: CID[]): void {
    if (this.links.size >= this.max) {
      const oldest = this.links.keys().next()
      if (oldest.done !== true) this.links.delete(oldest.value)
    }
    this.links.set(cid.toString(), links)
  }
}

/**
 * One mark-and-sweep pass that never removes what is in use and never stops reads or writes:
 * - the blocks that may be removed are those listed as the pass starts (a snapshot): a block written
 *   later is never a candidate;
 * - everything reachable from a pinned root is marked, walking local blocks only;
 * - every root kept by in-flight work (an add or a record not yet pinned, a pin being made) while the
 *   pass runs is marked before the next batch (the write barrier), and blocks held by adds are skipped;
 * - candidates are deleted in small batches, yielding between them.
 * It does not trust Helia's per-block pin counts: in helia 7.1.15 `pins.rm` keeps the wrong entries
 * in `pinnedBy`, so after an unpin/re-pin of CIDs that share blocks those counts under-report and
 * `helia.gc()` deletes blocks of content that is still pinned.
 */
export async function collectGarbage (ctx: GcContext, signal: AbortSignal): Promise<GcResult> {
  signal.throwIfAborted()
  const started = performance.now()
  const late: CID[] = []
  const unwatch = ctx.holds.watch((root) => { late.push(root) })
  try {
    const snapshot: CID[] = []
    for await (const { cid } of ctx.local.getAll({ signal })) snapshot.push(cid)
    const live = new Set<string>()
    for await (const root of ctx.roots({ signal })) await markRoot(root, live, ctx, signal)
    let removed = 0
    let next = 0
    while (next < snapshot.length) {
      signal.throwIfAborted()
      // roots kept since the last batch, and those still held (a pull may have completed one since)
      for (let root = late.pop(); root != null; root = late.pop()) await markRoot(root, live, ctx, signal)
      for (const root of ctx.holds.heldRoots()) await markRoot(root, live, ctx, signal)
      // from here to the batch's start nothing awaits: no hold can slip in between the check and the delete
      const batch: CID[] = []
      for (; next < snapshot.length && batch.length < GC_BATCH_BLOCKS; next++) {
        const cid = snapshot[next] as CID
        if (!live.has(mhKey(cid)) && !ctx.holds.blocks.has(cid)) batch.push(cid)
      }
      await ctx.holds.deleteBatch(batch, async (cid) => {
        try {
          await ctx.local.delete(cid, { signal })
          removed++
        } catch (err) {
          ctx.log.warn({ cid: cid.toString(), err }, 'gc could not delete a block')
        }
      })
      if (batch.length > 0) ctx.onRemoved?.()
      await nextTurn()
    }
    ctx.log.info({ removed, live: live.size, listed: snapshot.length, ms: Math.round(performance.now() - started) }, 'gc finished')
    return { removed }
  } finally {
    unwatch()
  }
}

async function markRoot (root: CID, live: Set<string>, ctx: GcContext, signal: AbortSignal): Promise<void> {
  try {
    await mark(root, live, ctx, signal)
  } catch (err) {
    if ((err as Error).name !== 'CorruptContentError') throw err
    ctx.log.error({ root: root.toString(), err }, 'gc found a damaged block under a pinned root')
    await ctx.onCorrupt?.(root, err)
  }
}

async function mark (root: CID, live: Set<string>, ctx: GcContext, signal: AbortSignal): Promise<void> {
  const stack: CID[] = [root]
  while (stack.length > 0) {
    const cid = stack.pop()
    if (cid == null) break
    const key = mhKey(cid)
    if (live.has(key) || cid.multihash.code === IDENTITY_CODE) continue
    if (cid.code === RAW_CODE) {
      live.add(key)
      continue
    }
    const links = await linksOf(cid, ctx, signal)
    // a block not here (yet: a pull writes the root last) is walked again when it is next marked
    if (links == null) continue
    live.add(key)
    for (const link of links) stack.push(link)
  }
}

/** the links of a local block; undefined when the block is not here (a partial DAG keeps what it has) */
async function linksOf (cid: CID, ctx: GcContext, signal: AbortSignal): Promise<CID[] | undefined> {
  const known = ctx.links.get(cid)
  if (known != null) return known
  let bytes: Uint8Array
  try {
    bytes = await collect(ctx.local.get(cid, { signal }))
  } catch (err) {
    if ((err as Error).name === 'NotFoundError') return undefined
    throw err
  }
  try {
    verifyBlock(cid, bytes)
  } catch (err) {
    if ((err as Error).name === 'CorruptContentError') await ctx.drop(cid)
    throw err
  }
  const block = createUnsafe({ bytes, cid, codec: await ctx.getCodec(cid.code) })
  const links = [...block.links()].map(([, link]) => link)
  ctx.links.set(cid, links)
  return links
}

import { createUnsafe } from 'multiformats/block'
import { IDENTITY_CODE, RAW_CODE } from './constants.js'
import type { InflightBlocks } from './add.js'
import { mhKey, type VerifyingBlocks } from './verify.js'
import type { AbortOptions } from './types.js'
import type { Helia } from '@helia/interface'
import type { Logger } from '../util/logger.js'
import type { CID } from 'multiformats/cid'

export interface GcContext {
  helia: Pick<Helia, 'blockstore' | 'getCodec'>
  verified: VerifyingBlocks
  roots: () => AsyncIterable<CID>
  inflight: InflightBlocks
  log: Logger
  /** a pinned DAG had a damaged block (already dropped): the walk goes on without what lies below it */
  onCorrupt?: (root: CID, err: unknown) => Promise<void>
}

/**
 * Mark and sweep: marks every block reachable from a pinned root (walking the local DAG; raw leaves
 * are marked without being read), then deletes every other local block that no add in flight uses.
 * It does not trust Helia's per-block pin counts: in helia 7.1.15 `pins.rm` keeps the wrong entries
 * in `pinnedBy`, so after an unpin/re-pin of CIDs that share blocks those counts under-report and
 * `helia.gc()` deletes blocks of content that is still pinned.
 */
export async function collectGarbage (ctx: GcContext, options: AbortOptions = {}): Promise<{ removed: number }> {
  options.signal?.throwIfAborted()
  const live = new Set<string>()
  for await (const root of ctx.roots()) {
    try {
      await mark(root, live, ctx, options)
    } catch (err) {
      if ((err as Error).name !== 'CorruptContentError') throw err
      ctx.log.error({ root: root.toString(), err }, 'gc found a damaged block under a pinned root')
      await ctx.onCorrupt?.(root, err)
    }
  }
  const doomed: CID[] = []
  for await (const { cid } of ctx.helia.blockstore.getAll({ signal: options.signal })) {
    if (!live.has(mhKey(cid)) && !ctx.inflight.has(cid)) doomed.push(cid)
  }
  let removed = 0
  for (const cid of doomed) {
    options.signal?.throwIfAborted()
    if (ctx.inflight.has(cid)) continue
    try {
      await ctx.helia.blockstore.delete(cid, { signal: options.signal })
      removed++
    } catch (err) {
      // BlockPinnedError: Helia's own pin count still holds it; keeping a block is always safe
      ctx.log.debug({ cid: cid.toString(), err }, 'gc kept a block')
    }
  }
  ctx.log.info({ removed, live: live.size }, 'gc finished')
  return { removed }
}

async function mark (root: CID, live: Set<string>, ctx: GcContext, options: AbortOptions): Promise<void> {
  const stack: CID[] = [root]
  while (stack.length > 0) {
    const cid = stack.pop()
    if (cid == null) break
    const key = mhKey(cid)
    if (live.has(key) || cid.multihash.code === IDENTITY_CODE) continue
    live.add(key)
    if (cid.code === RAW_CODE) continue
    if (!await ctx.helia.blockstore.has(cid, options)) continue
    const bytes = await ctx.verified.getBlock(cid, { ...options, offline: true } as AbortOptions)
    const codec = await ctx.helia.getCodec(cid.code)
    const block = createUnsafe({ bytes, cid, codec })
    for (const [, link] of block.links()) stack.push(link)
  }
}

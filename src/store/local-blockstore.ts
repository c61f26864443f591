import type { Blockstore } from 'interface-blockstore'

/**
 * The blockstore under Helia's wrappers (BlockStorage -> NetworkedStorage -> IdentityBlockstore -> fs or
 * level): a read of a block it lacks fails at once instead of asking the network, and a delete takes
 * none of BlockStorage's GC lock (whose writer waits for every reader, and every later reader behind it).
 */
export function localBlockstore (blockstore: unknown): Blockstore {
  let inner = blockstore as { unwrap?: () => unknown, child?: unknown }
  for (let i = 0; i < 6; i++) {
    const next = typeof inner.unwrap === 'function' ? inner.unwrap() : inner.child
    if (next == null || typeof next !== 'object') break
    inner = next as typeof inner
  }
  return inner as unknown as Blockstore
}

import type { CID } from 'multiformats/cid'

/** the public shape of blockstore-fs's FsBlockstore */
export interface FsLike { path: string, shardingStrategy: { encode(cid: CID): { dir: string, file: string } } }

function isFsLike (value: unknown): value is FsLike {
  const v = value as Partial<FsLike> | null
  return typeof v?.path === 'string' && typeof v.shardingStrategy?.encode === 'function'
}

/**
 * The filesystem blockstore under Helia's wrappers (BlockStorage -> NetworkedStorage (unwrap()) ->
 * IdentityBlockstore (.child)), or undefined when the blocks live elsewhere (level, memory).
 */
export function fsBlockstoreOf (blockstore: unknown): FsLike | undefined {
  let inner: unknown = blockstore
  for (let i = 0; i < 6 && !isFsLike(inner); i++) {
    const wrapper = inner as { unwrap?: () => unknown, child?: unknown } | null
    const next = typeof wrapper?.unwrap === 'function' ? wrapper.unwrap() : wrapper?.child
    if (next == null || typeof next !== 'object') break
    inner = next
  }
  return isFsLike(inner) ? inner : undefined
}

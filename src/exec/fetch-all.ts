import type { Cid } from '../dag/index.js'
import type { StorePort } from './ports.js'

/**
 * Makes content local: when the root block is not here, reads every byte from peers (each block is
 * verified against its CID on arrival). Cheap when the content is already local.
 */
export async function fetchAll (store: Pick<StorePort, 'has' | 'get'>, cid: Cid, options: { signal?: AbortSignal, timeoutMs?: number } = {}): Promise<void> {
  if (await store.has(cid)) return
  for await (const chunk of store.get(cid, options)) {
    void chunk
  }
}

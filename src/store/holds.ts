import { mhKey } from './verify.js'
import type { CID } from 'multiformats/cid'
import type { StoreHold } from './types.js'

/** Blocks in use by adds that have not finished: GC and rollbacks leave them alone */
export class InflightBlocks {
  private readonly counts = new Map<string, number>()

  hold (cid: CID): void {
    const key = mhKey(cid)
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1)
  }

  release (cid: CID): void {
    const key = mhKey(cid)
    const n = (this.counts.get(key) ?? 0) - 1
    if (n <= 0) this.counts.delete(key)
    else this.counts.set(key, n)
  }

  has (cid: CID): boolean {
    return this.counts.has(mhKey(cid))
  }

  count (cid: CID): number {
    return this.counts.get(mhKey(cid)) ?? 0
  }
}

/**
 * Everything in-flight work keeps from the collector: single blocks an add is writing, and whole DAGs
 * (roots) that work has written or is pinning but not pinned yet. Work registers before it writes.
 *
 * While a collection runs it is told of every root kept (its write barrier) and marks those before
 * each batch it deletes; a writer that finds one of its blocks in a batch being deleted waits for that
 * batch (a few ms) before writing it again, so a delete never lands after the write.
 */
export class Holds {
  readonly blocks = new InflightBlocks()
  private readonly roots = new Map<string, { cid: CID, count: number }>()
  private barrier?: (root: CID) => void
  private deleting = new Set<string>()
  private batch?: Promise<unknown>

  keepRoot (cid: CID): void {
    const key = mhKey(cid)
    const held = this.roots.get(key)
    if (held != null) held.count++
    else this.roots.set(key, { cid, count: 1 })
    this.barrier?.(cid)
  }

  releaseRoot (cid: CID): void {
    const key = mhKey(cid)
    const held = this.roots.get(key)
    if (held == null) return
    if (--held.count <= 0) this.roots.delete(key)
  }

  heldRoots (): CID[] {
    return [...this.roots.values()].map((held) => held.cid)
  }

  /** a scope for one piece of work: every root it keeps is released together */
  scope (): StoreHold & { keep(cid: CID): void } {
    const kept: CID[] = []
    let released = false
    return {
      keep: (cid) => {
        if (released) throw new Error('this store hold was released')
        kept.push(cid)
        this.keepRoot(cid)
      },
      release: () => {
        if (released) return
        released = true
        for (const cid of kept.splice(0)) this.releaseRoot(cid)
      }
    }
  }

  /**
   * Called by a collection as it starts (before it lists blocks): `onRoot` hears of every root kept
   * from now on, and is told at once of those kept already. Returns the function that ends it.
   */
  watch (onRoot: (root: CID) => void): () => void {
    this.barrier = onRoot
    for (const { cid } of this.roots.values()) onRoot(cid)
    return () => { if (this.barrier === onRoot) this.barrier = undefined }
  }

  /** runs one batch of deletions; the keys are marked as being deleted until it settles */
  async deleteBatch (cids: CID[], del: (cid: CID) => Promise<void>): Promise<void> {
    this.deleting = new Set(cids.map(mhKey))
    const batch = Promise.allSettled(cids.map(del))
    this.batch = batch
    try {
      await batch
    } finally {
      this.deleting = new Set()
      this.batch = undefined
    }
  }

  /** a write of this block must wait for `settled()` first: a batch is deleting it */
  isDeleting (cid: CID): boolean {
    return this.deleting.size > 0 && this.deleting.has(mhKey(cid))
  }

  /** resolves once the batch of deletions running now (if any) has settled */
  async settled (): Promise<void> {
    await this.batch
  }
}

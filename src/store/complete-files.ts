import { COMPLETE_FILES_CACHED } from './constants.js'

/**
 * Files known to be wholly in the local blockstore, with their sizes. A CID's size never changes, but its
 * blocks can leave the store (GC, a damaged block dropped), so the owner clears this whenever blocks are
 * removed. It spares every download a walk of the file's DAG just to learn its size.
 */
export class CompleteFiles {
  private readonly sizes = new Map<string, number>()
  /** bumped by every forgetAll: what a walk begun before it learned is stale */
  private generation = 0

  constructor (private readonly max = COMPLETE_FILES_CACHED) {}

  size (cid: string): number | undefined {
    const size = this.sizes.get(cid)
    if (size != null) {
      // most recently used last, so the oldest is dropped first
      this.sizes.delete(cid)
      this.sizes.set(cid, size)
    }
    return size
  }

  /** the token to pass to `remember` once a walk that starts now has finished */
  begin (): number {
    return this.generation
  }

  remember (cid: string, size: number, since = this.generation): void {
    if (since !== this.generation) return
    this.sizes.delete(cid)
    this.sizes.set(cid, size)
    if (this.sizes.size > this.max) {
      const oldest = this.sizes.keys().next()
      if (oldest.done !== true) this.sizes.delete(oldest.value)
    }
  }

  forgetAll (): void {
    this.generation++
    this.sizes.clear()
  }
}

import { COMPLETE_FILES_CACHED, HOT_FILE_MAX_BYTES } from './constants.js'

export interface CompleteFile {
  size: number
  /** the whole file, verified against its CID when it was read (small files only) */
  bytes?: Uint8Array
}

/**
 * Files known to be wholly in the local blockstore, with their sizes, and the bytes of the small ones
 * within a byte budget. A CID's bytes never change, but its blocks can leave the store (GC, a damaged
 * block dropped), so the owner clears this whenever blocks are removed. It spares a download the walk of
 * the file's DAG just to learn its size, and a hot small file every block read and hash.
 */
export class CompleteFiles {
  private readonly files = new Map<string, CompleteFile>()
  /** bytes held by the entries that keep their bytes */
  private held = 0
  /** bumped by every forgetAll: what a walk begun before it learned is stale */
  private generation = 0

  /**
   * @param max files remembered
   * @param maxHeldBytes bytes of file content kept in memory at most (0: sizes only)
   * @param maxFileBytes the largest file whose bytes are kept
   */
  constructor (private readonly max = COMPLETE_FILES_CACHED, private readonly maxHeldBytes = 0, private readonly maxFileBytes = HOT_FILE_MAX_BYTES) {}

  get (cid: string): CompleteFile | undefined {
    const file = this.files.get(cid)
    if (file != null) {
      // most recently used last, so the oldest is dropped first
      this.files.delete(cid)
      this.files.set(cid, file)
    }
    return file
  }

  /** bytes currently kept in memory */
  get heldBytes (): number {
    return this.held
  }

  /** whether a file of this size would have its bytes kept */
  wouldHold (size: number): boolean {
    return size <= this.maxFileBytes && size <= this.maxHeldBytes
  }

  /** the token to pass to `remember` once a walk that starts now has finished */
  begin (): number {
    return this.generation
  }

  remember (cid: string, size: number, since = this.generation, bytes?: Uint8Array): void {
    if (since !== this.generation) return
    this.drop(cid)
    const keep = bytes != null && bytes.byteLength === size && this.wouldHold(size) ? bytes : undefined
    this.files.set(cid, keep != null ? { size, bytes: keep } : { size })
    this.held += keep?.byteLength ?? 0
    for (const [oldest, file] of this.files) {
      if (this.files.size <= this.max && this.held <= this.maxHeldBytes) break
      if (this.files.size > this.max) {
        this.drop(oldest)
      } else if (file.bytes != null) {
        // over the byte budget only: the oldest keeps its size, not its bytes
        this.held -= file.bytes.byteLength
        this.files.set(oldest, { size: file.size })
      }
    }
  }

  forgetAll (): void {
    this.generation++
    this.files.clear()
    this.held = 0
  }

  private drop (cid: string): void {
    const file = this.files.get(cid)
    if (file == null) return
    this.held -= file.bytes?.byteLength ?? 0
    this.files.delete(cid)
  }
}

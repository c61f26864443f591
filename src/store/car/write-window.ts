import type { CID } from 'multiformats/cid'

export interface WriteWindowInit {
  /** most writes in flight */
  concurrency: number
  /** most bytes held by writes in flight */
  maxBytes: number
}

/**
 * Bounded concurrent block writes: `add` starts a write at once when the window has room, else
 * waits for one to finish first. The first failure is kept and thrown by the next `add` or by
 * `drain`; `settle` waits for every write started (never returns while one still runs).
 */
export class WriteWindow {
  private readonly running = new Set<Promise<void>>()
  private bytes = 0
  private failure: { error: unknown } | undefined

  constructor (private readonly write: (cid: CID, bytes: Uint8Array) => Promise<unknown>, private readonly init: WriteWindowInit) {}

  async add (cid: CID, bytes: Uint8Array): Promise<void> {
    this.throwIfFailed()
    while (this.running.size > 0 && (this.running.size >= this.init.concurrency || this.bytes + bytes.byteLength > this.init.maxBytes)) {
      await Promise.race(this.running)
      this.throwIfFailed()
    }
    this.bytes += bytes.byteLength
    const task: Promise<void> = this.write(cid, bytes).then(
      () => { this.finish(task, bytes.byteLength) },
      (error: unknown) => { this.failure ??= { error }; this.finish(task, bytes.byteLength) }
    )
    this.running.add(task)
  }

  /** every write done; throws the first failure */
  async drain (): Promise<void> {
    await this.settle()
    this.throwIfFailed()
  }

  /** every write done, failures or not */
  async settle (): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running)
  }

  private finish (task: Promise<void>, size: number): void {
    this.running.delete(task)
    this.bytes -= size
  }

  private throwIfFailed (): void {
    if (this.failure != null) throw this.failure.error
  }
}

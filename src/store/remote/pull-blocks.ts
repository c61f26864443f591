import type { CID } from 'multiformats/cid'

/** reads a block the pull has written (from the local blockstore, never from the network) */
export type ReadWritten = (cid: CID, signal?: AbortSignal) => Promise<Uint8Array>

interface Waiter {
  cid: CID
  resolve: (bytes: Uint8Array) => void
  reject: (err: Error) => void
  read: ReadWritten
  signal?: AbortSignal
}

/**
 * The blocks of one pull as they arrive, for readers that stream the content while it is being
 * stored. A reader asks for a block: one verified already is read back from the blockstore once its
 * write is done; one still to come is handed over as a copy the moment it is verified (so a reader
 * that keeps up with the pull never waits for the disk). The root is kept in memory: the pull writes
 * it last, and every reader needs it first. When the pull fails, every waiting and later reader gets
 * its error; once it succeeded, every block is local.
 */
export class PullBlocks {
  /** blocks verified in this pull: true once written */
  private readonly arrived = new Map<string, boolean>()
  private readonly waiting = new Map<string, Waiter[]>()
  private rootBytes: Uint8Array | undefined
  private outcome: { error?: Error } | undefined

  constructor (private readonly root: CID) {}

  /** the pull verified `cid` (its bytes are valid only during this call) */
  verified (cid: CID, bytes: Uint8Array): void {
    const key = cid.toString()
    if (cid.equals(this.root)) this.rootBytes = new Uint8Array(bytes)
    if (this.arrived.get(key) !== true) this.arrived.set(key, false)
    const waiters = this.waiting.get(key)
    if (waiters == null) return
    this.waiting.delete(key)
    const copy = this.rootBytes != null && cid.equals(this.root) ? this.rootBytes : new Uint8Array(bytes)
    for (const w of waiters) w.resolve(copy)
  }

  /** the pull wrote `cid` into the blockstore */
  written (cid: CID): void {
    const key = cid.toString()
    this.arrived.set(key, true)
    // readers that asked between the block's verification and its write
    const waiters = this.waiting.get(key)
    if (waiters == null) return
    this.waiting.delete(key)
    for (const w of waiters) this.settleLocal(w)
  }

  /** the pull ended: every block is local (no error), or no more will come */
  end (error?: Error): void {
    this.outcome = error != null ? { error } : {}
    for (const [key, waiters] of this.waiting) {
      this.waiting.delete(key)
      for (const w of waiters) {
        if (error != null) w.reject(error)
        else this.settleLocal(w)
      }
    }
  }

  /** the block's verified bytes, as soon as the pull has them; rejects with the pull's error if it fails first */
  async block (cid: CID, read: ReadWritten, signal?: AbortSignal): Promise<Uint8Array> {
    signal?.throwIfAborted()
    if (cid.equals(this.root) && this.rootBytes != null) return this.rootBytes
    const key = cid.toString()
    if (this.arrived.get(key) === true || (this.outcome != null && this.outcome.error == null)) return await read(cid, signal)
    if (this.outcome?.error != null) throw this.outcome.error
    // verified and being written, or still to come: wait for it
    return await new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = (): void => {
        const list = this.waiting.get(key)
        if (list != null) this.waiting.set(key, list.filter((w) => w !== waiter))
        reject(signal?.reason as Error)
      }
      const waiter: Waiter = {
        cid,
        resolve: (bytes) => { signal?.removeEventListener('abort', onAbort); resolve(bytes) },
        reject: (err) => { signal?.removeEventListener('abort', onAbort); reject(err) },
        read,
        ...(signal != null ? { signal } : {})
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      const list = this.waiting.get(key) ?? []
      list.push(waiter)
      this.waiting.set(key, list)
    })
  }

  private settleLocal (w: Waiter): void {
    w.read(w.cid, w.signal).then(w.resolve, w.reject)
  }
}

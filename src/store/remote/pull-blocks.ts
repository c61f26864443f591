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
 * stored. Each verified block is kept as a copy until its write is done (so at most the import's
 * write window of them), and a reader gets that copy: a reader that keeps up with the pull never
 * waits for the disk. A block written already is read back from the blockstore. The root is kept in
 * memory: the pull writes it last, and every reader needs it first. When the pull fails, every
 * waiting and later reader gets its error; once it succeeded, every block is local.
 */
export class PullBlocks {
  /** blocks written in this pull */
  private readonly onDisk = new Set<string>()
  /** verified blocks whose write is not done yet */
  private readonly unwritten = new Map<string, Uint8Array>()
  private readonly waiting = new Map<string, Waiter[]>()
  private rootBytes: Uint8Array | undefined
  private outcome: { error?: Error } | undefined

  constructor (private readonly root: CID) {}

  /** the pull verified `cid` (its bytes are valid only during this call) */
  verified (cid: CID, bytes: Uint8Array): void {
    const key = cid.toString()
    const copy = new Uint8Array(bytes)
    if (cid.equals(this.root)) this.rootBytes = copy
    else if (!this.onDisk.has(key)) this.unwritten.set(key, copy)
    const waiters = this.waiting.get(key)
    if (waiters == null) return
    this.waiting.delete(key)
    for (const w of waiters) w.resolve(copy)
  }

  /** the pull wrote `cid` into the blockstore */
  written (cid: CID): void {
    const key = cid.toString()
    this.onDisk.add(key)
    this.unwritten.delete(key)
  }

  /** the pull ended: every block is local (no error), or no more will come */
  end (error?: Error): void {
    this.outcome = error != null ? { error } : {}
    this.unwritten.clear()
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
    const held = this.unwritten.get(key)
    if (held != null) return held
    if (this.onDisk.has(key) || (this.outcome != null && this.outcome.error == null)) return await read(cid, signal)
    if (this.outcome?.error != null) throw this.outcome.error
    // still to come: wait for it
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

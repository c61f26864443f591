/**
 * Reusable byte buffers of one size, so a bulk transfer does not allocate (and page-fault, and
 * collect) a fresh 1 MiB buffer per block. A buffer handed out belongs to its taker until it is
 * given back; `give` ignores views of memory the pool did not make, and keeps at most `maxFree`.
 * Only give back a buffer once nothing can still read it: the next `take` overwrites it.
 */
export class BufferPool {
  private readonly free: ArrayBuffer[] = []
  private readonly mine = new WeakSet<ArrayBufferLike>()

  constructor (readonly bufferBytes: number, private readonly maxFree: number) {}

  /** `n` bytes (uninitialised: the caller fills all of them); pooled when n <= bufferBytes */
  take (n: number): Uint8Array {
    // plain Uint8Array views (Buffer#slice would share memory where Uint8Array#slice copies)
    if (n > this.bufferBytes) return new Uint8Array(Buffer.allocUnsafeSlow(n).buffer, 0, n)
    let memory = this.free.pop()
    if (memory == null) {
      memory = new ArrayBuffer(this.bufferBytes)
      this.mine.add(memory)
    }
    return new Uint8Array(memory, 0, n)
  }

  /** hands back the memory under `view` (any view into a taken buffer) */
  give (view: Uint8Array): void {
    const memory = view.buffer
    if (!this.mine.has(memory) || this.free.length >= this.maxFree || this.free.includes(memory as ArrayBuffer)) return
    this.free.push(memory as ArrayBuffer)
  }

  /** buffers waiting to be taken */
  get idle (): number {
    return this.free.length
  }
}

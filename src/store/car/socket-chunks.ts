import type { OnReadOpts, Socket } from 'node:net'

/** bytes queued ahead of the consumer before the socket is paused */
const HIGH_WATER_BYTES = 8 * 1024 * 1024
/** size of one recycled read buffer */
const READ_BUFFER_BYTES = 256 * 1024

/**
 * The chunks of a socket as it delivered them (never joined or copied), pulled one at a time with
 * backpressure: the socket is paused while more than 8 MiB wait. `next` resolves undefined at the
 * end of the stream and rejects with the socket's error (a destroy with a reason, a reset).
 *
 * A chunk is the caller's until its next call of `next` (or `close`). A plain TCP socket made with
 * `readOptions()` reads into buffers that are recycled then: a bulk transfer allocates no memory per
 * read, so it neither page-faults fresh memory nor makes V8 collect garbage for it (measured on a
 * 256 MiB pull: a fifth of the receiver's CPU went to major GCs that those allocations started).
 */
export class SocketChunks {
  private readonly queue: Buffer[] = []
  private queued = 0
  private ended = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private socket: Socket | undefined
  /** read buffers free for the next read */
  private readonly spare: Buffer[] = []
  /** the chunk handed out last, recycled by the next `next` */
  private lent: Buffer | undefined
  private recycling = false

  private readonly onData = (chunk: Buffer): void => {
    this.queue.push(chunk)
    this.queued += chunk.byteLength
    if (this.queued >= HIGH_WATER_BYTES) this.socket?.pause()
    this.notify()
  }

  private readonly onEnd = (): void => { this.ended = true; this.notify() }
  private readonly onError = (err: Error): void => { this.failure ??= err; this.notify() }
  private readonly onClose = (): void => { this.ended = true; this.notify() }

  /** `onread` for `net.connect`: reads land in recycled buffers and queue here (then `attach` the socket) */
  readOptions (): OnReadOpts {
    this.recycling = true
    return {
      buffer: () => this.spare.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        this.onData((buffer as Buffer).subarray(0, bytes))
        return this.queued < HIGH_WATER_BYTES
      }
    }
  }

  /** starts listening to `socket` (its 'data' events, unless it was made with `readOptions()`) */
  attach (socket: Socket): this {
    this.socket = socket
    if (!this.recycling) socket.on('data', this.onData)
    socket.once('end', this.onEnd)
    socket.on('error', this.onError)
    socket.once('close', this.onClose)
    return this
  }

  async next (): Promise<Buffer | undefined> {
    this.giveBack()
    for (;;) {
      const chunk = this.queue.shift()
      if (chunk != null) {
        this.queued -= chunk.byteLength
        if (this.queued < HIGH_WATER_BYTES && this.socket?.isPaused() === true) this.socket.resume()
        if (this.recycling) this.lent = chunk
        return chunk
      }
      if (this.failure != null) throw this.failure
      if (this.ended) return undefined
      await new Promise<void>((resolve) => { this.wake = resolve })
    }
  }

  /** stops listening (the socket keeps a no-op error listener so a late error is not unhandled) */
  close (): void {
    const socket = this.socket
    if (socket != null) {
      socket.off('data', this.onData)
      socket.off('end', this.onEnd)
      socket.off('close', this.onClose)
      socket.off('error', this.onError)
      socket.on('error', () => {})
    }
    this.giveBack()
    this.notify()
  }

  private giveBack (): void {
    if (this.lent == null) return
    // the whole read buffer under the chunk (a chunk is a view of its first `bytes` bytes)
    this.spare.push(Buffer.from(this.lent.buffer, this.lent.byteOffset, READ_BUFFER_BYTES))
    this.lent = undefined
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}

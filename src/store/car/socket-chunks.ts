import type { Socket } from 'node:net'

/** bytes queued ahead of the consumer before the socket is paused */
const HIGH_WATER_BYTES = 8 * 1024 * 1024

/**
 * The chunks of a socket as it delivered them (never joined or copied), pulled one at a time with
 * backpressure: the socket is paused while more than 8 MiB wait. `next` resolves undefined at the
 * end of the stream and rejects with the socket's error (a destroy with a reason, a reset).
 */
export class SocketChunks {
  private readonly queue: Buffer[] = []
  private queued = 0
  private ended = false
  private failure: Error | undefined
  private wake: (() => void) | undefined
  private readonly onData = (chunk: Buffer): void => {
    this.queue.push(chunk)
    this.queued += chunk.byteLength
    if (this.queued >= HIGH_WATER_BYTES) this.socket.pause()
    this.notify()
  }

  private readonly onEnd = (): void => { this.ended = true; this.notify() }
  private readonly onError = (err: Error): void => { this.failure ??= err; this.notify() }
  private readonly onClose = (): void => { this.ended = true; this.notify() }

  constructor (private readonly socket: Socket) {
    socket.on('data', this.onData)
    socket.once('end', this.onEnd)
    socket.on('error', this.onError)
    socket.once('close', this.onClose)
  }

  async next (): Promise<Buffer | undefined> {
    for (;;) {
      const chunk = this.queue.shift()
      if (chunk != null) {
        this.queued -= chunk.byteLength
        if (this.queued < HIGH_WATER_BYTES && this.socket.isPaused()) this.socket.resume()
        return chunk
      }
      if (this.failure != null) throw this.failure
      if (this.ended) return undefined
      await new Promise<void>((resolve) => { this.wake = resolve })
    }
  }

  /** stops listening (the socket keeps a no-op error listener so a late error is not unhandled) */
  close (): void {
    this.socket.off('data', this.onData)
    this.socket.off('end', this.onEnd)
    this.socket.off('close', this.onClose)
    this.socket.off('error', this.onError)
    this.socket.on('error', () => {})
    this.notify()
  }

  private notify (): void {
    const wake = this.wake
    this.wake = undefined
    wake?.()
  }
}

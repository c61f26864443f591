import type { Redis } from 'ioredis'
import type { Logger } from '../util/index.js'

type Listener = (message: string) => void

interface Channel {
  listeners: Set<Listener>
  /** settles when the server has acknowledged SUBSCRIBE */
  ready: Promise<void>
}

/**
 * One subscriber connection (`redis.duplicate()`) shared by every waiter of a Claims instance:
 * a map of channel -> listeners, SUBSCRIBE on the first listener, UNSUBSCRIBE after the last.
 * ioredis sends commands of one connection in order, so an UNSUBSCRIBE followed by a new
 * SUBSCRIBE of the same channel ends subscribed.
 */
export class ResultSubscriber {
  private connection?: Redis
  private readonly channels = new Map<string, Channel>()

  constructor (private readonly redis: Redis, private readonly log: Logger) {}

  /** Resolves once messages of `channel` reach `listener`; returns the function that stops listening */
  async listen (channel: string, listener: Listener): Promise<() => void> {
    const sub = this.subscriber()
    let entry = this.channels.get(channel)
    if (entry == null) {
      const created: Channel = { listeners: new Set(), ready: sub.subscribe(channel).then(() => undefined) }
      entry = created
      this.channels.set(channel, created)
      created.ready.catch(() => {
        if (this.channels.get(channel) === created) this.channels.delete(channel)
      })
    }
    entry.listeners.add(listener)
    const current = entry
    const unlisten = (): void => {
      current.listeners.delete(listener)
      if (current.listeners.size === 0 && this.channels.get(channel) === current) {
        this.channels.delete(channel)
        sub.unsubscribe(channel).catch((err: unknown) => { this.log.debug({ err, channel }, 'unsubscribe failed') })
      }
    }
    try {
      await current.ready
    } catch (err) {
      unlisten()
      throw err
    }
    return unlisten
  }

  /** number of channels currently subscribed (for tests and metrics) */
  get size (): number {
    return this.channels.size
  }

  async stop (): Promise<void> {
    const sub = this.connection
    this.connection = undefined
    this.channels.clear()
    if (sub == null) return
    // not quit(): it waits for Redis to answer, forever while Redis is away (a subscriber has no state to flush)
    sub.disconnect()
  }

  private subscriber (): Redis {
    if (this.connection != null) return this.connection
    const sub = this.redis.duplicate()
    sub.on('error', (err: unknown) => { this.log.warn({ err }, 'result subscriber connection error') })
    sub.on('message', (channel: string, message: string) => {
      const entry = this.channels.get(channel)
      if (entry == null) return
      for (const listener of [...entry.listeners]) listener(message)
    })
    this.connection = sub
    return sub
  }
}

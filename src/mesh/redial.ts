import type { Logger } from '../util/index.js'
import type { Libp2p } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface RedialInit {
  minMs: number
  maxMs: number
  dialTimeoutMs: number
  tickMs: number
}

interface Target {
  addr: Multiaddr
  /** known once a dial succeeded or from the /p2p/ part of the address */
  peerId?: string
  nextAt: number
  backoffMs: number
  dialing: boolean
}

/**
 * Keeps the node connected to its bootstrap peers: dials each one on start and, whenever it is
 * not connected, again with exponential backoff. Our own loop rather than @libp2p/bootstrap, which
 * only dials once per discovery and tags peers instead of re-dialling them when they drop.
 */
export class BootstrapRedialer {
  private readonly targets: Target[]
  private timer?: NodeJS.Timeout
  private readonly controller = new AbortController()

  constructor (private readonly libp2p: Libp2p, addrs: Multiaddr[], private readonly init: RedialInit, private readonly log: Logger) {
    this.targets = addrs.map((addr) => ({ addr, peerId: addr.getComponents().find((c) => c.name === 'p2p')?.value, nextAt: 0, backoffMs: init.minMs, dialing: false }))
  }

  start (): void {
    this.tick()
    this.timer = setInterval(() => { this.tick() }, this.init.tickMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.controller.abort()
  }

  /** Dials every bootstrap peer now; resolves when each attempt ended (for start()) */
  async dialAllOnce (): Promise<void> {
    await Promise.all(this.targets.map(async (t) => { await this.dial(t) }))
  }

  private connected (t: Target): boolean {
    if (t.peerId == null) return false
    return this.libp2p.getConnections().some((c) => c.remotePeer.toString() === t.peerId)
  }

  private tick (): void {
    const now = Date.now()
    for (const t of this.targets) {
      if (t.dialing || this.connected(t) || now < t.nextAt) continue
      this.dial(t).catch((err: unknown) => { this.log.error({ err }, 'redial failed unexpectedly') })
    }
  }

  private async dial (t: Target): Promise<void> {
    if (t.dialing || this.controller.signal.aborted) return
    t.dialing = true
    const signal = AbortSignal.any([this.controller.signal, AbortSignal.timeout(this.init.dialTimeoutMs)])
    try {
      const conn = await this.libp2p.dial(t.addr, { signal })
      t.peerId = conn.remotePeer.toString()
      t.backoffMs = this.init.minMs
      t.nextAt = 0
      this.log.debug({ addr: t.addr.toString() }, 'bootstrap peer connected')
    } catch (err) {
      t.nextAt = Date.now() + t.backoffMs
      this.log.debug({ addr: t.addr.toString(), err, retryInMs: t.backoffMs }, 'bootstrap dial failed')
      t.backoffMs = Math.min(t.backoffMs * 2, this.init.maxMs)
    } finally {
      t.dialing = false
    }
  }
}

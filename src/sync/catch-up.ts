import { multihashToIPNSRoutingKey } from '@helia/ipns'
import { base64url } from 'multiformats/bases/base64'
import type { GossipSub, SubscriptionChangeData } from '@libp2p/gossipsub'
import type { Logger } from '../util/index.js'
import type { Libp2p, PeerId } from '@libp2p/interface'

export interface CatchUpDeps {
  libp2p: Libp2p<{ pubsub: GossipSub }>
  /** resolves one peer's state; true once it is known (never throws) */
  resolve: (peer: string) => Promise<boolean>
  /** how long a connected peer counts as pending while its state cannot be resolved (no IPNS record yet) */
  windowMs: number
  log: Logger
}

/**
 * The pubsub topic a peer's IPNS record travels on (IPNS over pubsub: `/record/` + base64url of the
 * routing key). A peer subscribes to its own at sync start; resolving its name needs that subscription.
 */
export function ipnsTopicOf (peer: PeerId): string {
  return `/record/${base64url.baseEncode(multihashToIPNSRoutingKey(peer.toMultihash()))}`
}

/**
 * Catches up with peers as soon as they are there: at start every connected peer, afterwards every new or
 * re-established connection, has its state resolved at once. A peer whose sync is not up yet (it has no
 * record) is resolved again when it subscribes to its own record topic, which its sync does on start.
 * Until its state is known (or `windowMs` passed) a peer is pending, and a lookup that misses waits a
 * bounded moment for it (`waitForPending`) rather than rendering a step that peer may hold.
 */
export class PeerCatchUp {
  /** peer -> when it stops counting as pending even without an answer */
  private readonly pending = new Map<string, number>()
  private readonly waiters = new Set<() => void>()
  /** peers being resolved, and those to resolve once more when that ends (their sync started meanwhile) */
  private readonly resolving = new Set<string>()
  private readonly again = new Set<string>()
  private running = false

  constructor (private readonly deps: CatchUpDeps) {}

  /** listens first, then takes every peer already connected: no connection falls between the two */
  start (): void {
    if (this.running) return
    this.running = true
    const { libp2p } = this.deps
    libp2p.addEventListener('peer:connect', this.onConnect)
    libp2p.addEventListener('peer:disconnect', this.onDisconnect)
    libp2p.services.pubsub.addEventListener('subscription-change', this.onSubscriptionChange)
    for (const peer of libp2p.getPeers()) this.connected(peer)
  }

  stop (): void {
    if (!this.running) return
    this.running = false
    const { libp2p } = this.deps
    libp2p.removeEventListener('peer:connect', this.onConnect)
    libp2p.removeEventListener('peer:disconnect', this.onDisconnect)
    try {
      libp2p.services.pubsub.removeEventListener('subscription-change', this.onSubscriptionChange)
    } catch {} // libp2p may already be stopped
    this.pending.clear()
    this.again.clear()
    this.notify()
  }

  /** peers whose state is not known yet */
  pendingPeers (): string[] {
    const now = Date.now()
    for (const [peer, until] of this.pending) if (until <= now) this.pending.delete(peer)
    return [...this.pending.keys()]
  }

  /** resolves once no peer is pending, after `maxMs` at the latest; rejects when the signal aborts */
  async waitForPending (maxMs: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted()
    const deadline = Date.now() + maxMs
    while (this.pendingPeers().length > 0 && Date.now() < deadline) {
      const until = Math.min(deadline, ...this.pending.values())
      let wake: () => void = () => {}
      const woken = new Promise<void>((resolve) => { wake = resolve })
      const timer = setTimeout(wake, Math.max(0, until - Date.now()))
      const onAbort = (): void => { wake() }
      this.waiters.add(wake)
      signal?.addEventListener('abort', onAbort, { once: true })
      try {
        await woken
      } finally {
        clearTimeout(timer)
        this.waiters.delete(wake)
        signal?.removeEventListener('abort', onAbort)
      }
      signal?.throwIfAborted()
    }
  }

  private connected (peer: PeerId): void {
    const id = peer.toString()
    this.pending.set(id, Date.now() + this.deps.windowMs)
    this.resolve(id, 'connected')
  }

  private resolve (peer: string, why: string): void {
    if (this.resolving.has(peer)) {
      this.again.add(peer)
      return
    }
    this.resolving.add(peer)
    this.deps.log.debug({ peer, why }, 'catching up with peer')
    this.deps.resolve(peer).then((known) => {
      this.resolving.delete(peer)
      if (known && this.pending.delete(peer)) this.notify()
      if (this.again.delete(peer) && this.running) this.resolve(peer, why)
    }, () => { this.resolving.delete(peer) })
  }

  private notify (): void {
    for (const wake of this.waiters) wake()
  }

  private readonly onConnect = (evt: CustomEvent<PeerId>): void => {
    this.connected(evt.detail)
  }

  private readonly onDisconnect = (evt: CustomEvent<PeerId>): void => {
    const peer = evt.detail.toString()
    this.again.delete(peer)
    if (this.pending.delete(peer)) this.notify()
  }

  /** a peer's subscription to its own record topic: its sync (re)started, it has a record to ask for */
  private readonly onSubscriptionChange = (evt: CustomEvent<SubscriptionChangeData>): void => {
    const { peerId, subscriptions } = evt.detail
    const own = ipnsTopicOf(peerId)
    if (!subscriptions.some((s) => s.subscribe && s.topic === own)) return
    const id = peerId.toString()
    if (!this.pending.has(id)) this.pending.set(id, Date.now() + this.deps.windowMs)
    this.resolve(id, 'subscribed')
  }
}

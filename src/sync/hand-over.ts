import { HAND_OVER_CONCURRENCY } from './constants.js'
import type { SyncStateStore } from './sync-state.js'
import type { CacheId, Cid } from '../dag/index.js'
import type { CacheIndex } from '../state/index.js'
import type { ContentStore } from '../store/index.js'
import type { Logger } from '../util/index.js'

export interface HandOverDeps {
  state: Pick<SyncStateStore, 'isWorker'>
  localIndex: Pick<CacheIndex, 'get'>
  /** pinning fetches the bytes from the worker first */
  store: Pick<ContentStore, 'pin'>
  /** true when the node lists the entry already */
  lists: (cacheId: CacheId, cid: Cid) => Promise<boolean>
  /** the node holds the result now: it lists and announces it as its own */
  onHeld: (cacheId: CacheId, cid: Cid) => Promise<void>
  signal: () => AbortSignal
  log: Logger
}

interface Offer { cacheId: CacheId, cid: Cid, peer: string }

/**
 * A node takes over the results its own workers (`artdag worker` on its Redis) rendered: a worker
 * announces them under its own PeerId, the node fetches and pins the bytes, then lists them in its own
 * manifest and announces them itself. Results of any other peer stay hints.
 */
export class WorkerHandOver {
  /** peer -> whether it is a worker of this node; asked again when it reconnects */
  private readonly workers = new Map<string, boolean>()
  private readonly asking = new Map<string, Promise<void>>()
  private readonly queue: Offer[] = []
  private readonly taking = new Set<string>()
  private active = 0

  constructor (private readonly deps: HandOverDeps) {}

  forget (peer: string): void {
    this.workers.delete(peer)
  }

  /** a peer said it holds a result (gossip or its manifest); taken over when the peer is our worker */
  offer (cacheId: CacheId, cid: Cid, peer: string): void {
    const worker = this.workers.get(peer)
    if (worker === false || this.taking.has(cacheId)) return
    if (worker == null) {
      this.ask(peer).then(() => { this.offer(cacheId, cid, peer) }, (err: Error) => { this.deps.log.warn({ peer, err: err.message }, 'could not tell whether a peer is our worker') })
      return
    }
    this.taking.add(cacheId)
    this.queue.push({ cacheId, cid, peer })
    this.pump()
  }

  private async ask (peer: string): Promise<void> {
    let asking = this.asking.get(peer)
    if (asking == null) {
      asking = this.deps.state.isWorker(peer).then((yes) => { this.workers.set(peer, yes) }).finally(() => this.asking.delete(peer))
      this.asking.set(peer, asking)
    }
    await asking
  }

  private pump (): void {
    while (this.active < HAND_OVER_CONCURRENCY) {
      const next = this.queue.shift()
      if (next == null) return
      this.active++
      this.take(next)
        .catch((err: Error) => { if (!this.deps.signal().aborted) this.deps.log.warn({ ...next, err: err.message }, 'could not take over a worker\'s result') })
        .finally(() => {
          this.active--
          this.taking.delete(next.cacheId)
          this.pump()
        })
    }
  }

  private async take ({ cacheId, cid }: Offer): Promise<void> {
    const signal = this.deps.signal()
    signal.throwIfAborted()
    if (await this.deps.lists(cacheId, cid)) return
    // the worker rendered it for this node's queue, so the node's index names it; anything else is not ours to list
    if (await this.deps.localIndex.get(cacheId) !== cid) return
    await this.deps.store.pin(cid, 'cache', { signal })
    await this.deps.onHeld(cacheId, cid)
  }
}

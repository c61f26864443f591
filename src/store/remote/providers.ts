import { DHT_LOOKUP_MS, DHT_PROVIDERS_TAKEN, PROVIDE_CONCURRENCY, PROVIDE_QUEUE_MAX } from './constants.js'
import type { Logger } from '../../util/index.js'
import type { ContentRouting } from '@libp2p/interface'
import type { CID } from 'multiformats/cid'

/**
 * Content on the LAN DHT: this node writes a provider record for every DAG it keeps, and a lookup that
 * found no holder among the peers it knows searches the DHT for others. Only cluster members reach
 * this DHT (the swarm key), so a record tells no one outside the cluster what is held here.
 */
export class ContentProviders {
  private readonly queue: CID[] = []
  private active = 0

  constructor (private readonly routing: Pick<ContentRouting, 'provide' | 'findProviders'>, private readonly log: Logger, private readonly lookupMs = DHT_LOOKUP_MS) {}

  /** queues a provider record for a DAG this node now keeps */
  provide (cid: CID): void {
    this.queue.push(cid)
    if (this.queue.length > PROVIDE_QUEUE_MAX) this.queue.splice(0, this.queue.length - PROVIDE_QUEUE_MAX)
    this.pump()
  }

  /** peers the DHT lists as holding `cid`, not those in `exclude`, a few at most, within the lookup bound */
  async find (cid: CID, exclude: Set<string>, signal?: AbortSignal): Promise<string[]> {
    const found: string[] = []
    try {
      const deadline = AbortSignal.any([AbortSignal.timeout(this.lookupMs), ...(signal != null ? [signal] : [])])
      for await (const provider of this.routing.findProviders(cid, { signal: deadline })) {
        const id = provider.id.toString()
        if (exclude.has(id) || found.includes(id)) continue
        found.push(id)
        if (found.length >= DHT_PROVIDERS_TAKEN) break
      }
    } catch (err) {
      // the bound passed or the DHT has no peer to ask: what was found so far is the answer
      this.log.debug({ cid: cid.toString(), err: (err as Error).message }, 'DHT provider search ended')
    }
    return found
  }

  private pump (): void {
    while (this.active < PROVIDE_CONCURRENCY && this.queue.length > 0) {
      const cid = this.queue.shift() as CID
      this.active++
      Promise.resolve(this.routing.provide(cid, { signal: AbortSignal.timeout(this.lookupMs * 10) }))
        .catch((err: Error) => { this.log.debug({ cid: cid.toString(), err: err.message }, 'provider record not written') })
        .finally(() => { this.active--; this.pump() })
    }
  }
}

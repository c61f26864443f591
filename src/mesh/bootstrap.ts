import { KEEP_ALIVE, type Libp2p, type PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import pRetry from 'p-retry'
import type { Logger } from '../util/index.js'
import type { Multiaddr } from '@multiformats/multiaddr'

/** The libp2p connection manager settings that make its reconnect queue redial a dropped bootstrap peer forever */
export function reconnectSettings (intervalMs: number) {
  return { reconnectRetries: Infinity, reconnectRetryInterval: intervalMs, reconnectBackoffFactor: 1 }
}

export function bootstrapPeerId (addr: Multiaddr): PeerId {
  const id = addr.getComponents().findLast((c) => c.name === 'p2p')?.value
  if (id == null) throw new Error('no /p2p/ part')
  return peerIdFromString(id)
}

/**
 * Keeps this node connected to its bootstrap peers with libp2p's own machinery: each peer is tagged
 * KEEP_ALIVE, so the reconnect queue redials it whenever it drops (settings above) and the pruner keeps it.
 * The reconnect queue only acts on a disconnect, and @libp2p/bootstrap dials once, so neither retries a
 * peer that was never reached (this node started before it): that first connection is the one thing
 * dialled here, again every `timing.intervalMs` until it succeeds. Resolves once every first attempt has ended.
 */
export async function keepBootstrapPeers (libp2p: Libp2p, addrs: Multiaddr[], timing: { intervalMs: number, dialTimeoutMs: number }, signal: AbortSignal, log: Logger): Promise<void> {
  const wanted = addrs.map((addr) => ({ addr, peer: bootstrapPeerId(addr) }))
  await forgetOldBootstrapPeers(libp2p, new Set(wanted.map((w) => w.peer.toString())))
  await Promise.all(wanted.map(async ({ addr, peer }) => {
    await libp2p.peerStore.merge(peer, { multiaddrs: [addr], tags: { [KEEP_ALIVE]: { value: 1 } } })
    let firstAttempt: () => void = () => {}
    const attempted = new Promise<void>((resolve) => { firstAttempt = resolve })
    pRetry(async () => {
      try {
        await libp2p.dial(addr, { signal: AbortSignal.any([signal, AbortSignal.timeout(timing.dialTimeoutMs)]) })
      } finally {
        firstAttempt()
      }
    }, {
      retries: Infinity,
      minTimeout: timing.intervalMs,
      factor: 1,
      signal,
      onFailedAttempt: ({ error, attemptNumber }) => { log.debug({ addr: addr.toString(), err: error, attemptNumber }, 'bootstrap peer not reached yet') }
    }).then(() => { log.debug({ addr: addr.toString() }, 'bootstrap peer connected') }, () => { /* stopped */ })
    await attempted
  }))
}

/** A peer store persists its tags: a peer dropped from the bootstrap list loses the one it had */
async function forgetOldBootstrapPeers (libp2p: Libp2p, keep: Set<string>): Promise<void> {
  const tagged = await libp2p.peerStore.all({ filters: [(p) => p.tags.has(KEEP_ALIVE) && !keep.has(p.id.toString())] })
  await Promise.all(tagged.map(async (p) => { await libp2p.peerStore.merge(p.id, { tags: { [KEEP_ALIVE]: undefined } }) }))
}

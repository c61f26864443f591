import { ipnsValidator, multihashToIPNSRoutingKey } from '@helia/ipns'
import { CID } from 'multiformats/cid'
import type { Keychain } from '@helia/interface'
import type { Fetch } from '@libp2p/fetch'
import type { PeerId } from '@libp2p/interface'

const decoder = new TextDecoder()

/**
 * The value of a connected peer's IPNS record, asked of the peer itself over libp2p fetch (its IPNS pubsub
 * router answers `/ipns/` keys from its local store) and verified against its PeerId. A resolve through
 * the pubsub router would first wait for the peer's gossipsub subscriptions; asking directly works as soon
 * as the connection is up. Undefined when the peer has no record (its sync has not started).
 */
export async function fetchPeerName (fetch: Fetch, keychain: Keychain, peer: PeerId, signal: AbortSignal): Promise<string | undefined> {
  const routingKey = multihashToIPNSRoutingKey(peer.toMultihash())
  const marshalled = await fetch.fetch(peer, routingKey, { signal })
  if (marshalled == null) return undefined
  // checks the signature against the peer's key, the validity and that the V1 value matches the signed data
  const record = await ipnsValidator(routingKey, marshalled, keychain as Parameters<typeof ipnsValidator>[2], { signal })
  if (record.value == null) return undefined
  try {
    return `/ipfs/${CID.decode(record.value).toString()}` // the legacy form: raw CID bytes
  } catch {
    return decoder.decode(record.value)
  }
}

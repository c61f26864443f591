import { createHash } from 'node:crypto'
import { fetch, type Fetch } from '@libp2p/fetch'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { GOSSIP_D, GOSSIP_D_HI, GOSSIP_D_LAZY, GOSSIP_D_LO, LAN_DHT_PROTOCOL } from './constants.js'

/** The libp2p services of a mesh node; `pubsub` is the name @helia/ipns looks for */
export type MeshServices = {
  identify: Identify
  ping: Ping
  fetch: Fetch
  dht: KadDHT
  pubsub: GossipSub
}

/**
 * A message's id is the hash of its topic and bytes: the same announcement reaching a node by two paths,
 * or published twice, is delivered once.
 */
function contentId (msg: { topic: string, data: Uint8Array }): Uint8Array {
  return createHash('sha256').update(msg.topic).update(msg.data).digest()
}

export function meshServices () {
  return {
    identify: identify(),
    ping: ping(),
    fetch: fetch(),
    // LAN only: public addresses are dropped from peer records, and this node answers queries (server mode)
    dht: kadDHT({ protocol: LAN_DHT_PROTOCOL, clientMode: false, peerInfoMapper: removePublicAddressesMapper }),
    // sized for large meshes: a publish goes to the mesh (D peers), not to every subscriber; the rest
    // learn it from their mesh or from the IHAVE gossip sent to Dlazy others at each heartbeat
    pubsub: gossipsub({
      allowPublishToZeroTopicPeers: true,
      floodPublish: false,
      D: GOSSIP_D,
      Dlo: GOSSIP_D_LO,
      Dhi: GOSSIP_D_HI,
      Dlazy: GOSSIP_D_LAZY,
      msgIdFn: contentId,
      ignoreDuplicatePublishError: true
    })
  }
}

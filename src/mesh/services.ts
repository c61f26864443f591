import { fetch, type Fetch } from '@libp2p/fetch'
import { gossipsub, type GossipSub } from '@libp2p/gossipsub'
import { identify, type Identify } from '@libp2p/identify'
import { kadDHT, removePublicAddressesMapper, type KadDHT } from '@libp2p/kad-dht'
import { ping, type Ping } from '@libp2p/ping'
import { LAN_DHT_PROTOCOL } from './constants.js'

/** The libp2p services of a mesh node; `pubsub` is the name @helia/ipns looks for */
export type MeshServices = {
  identify: Identify
  ping: Ping
  fetch: Fetch
  dht: KadDHT
  pubsub: GossipSub
}

export function meshServices () {
  return {
    identify: identify(),
    ping: ping(),
    fetch: fetch(),
    // LAN only: public addresses are dropped from peer records, and this node answers queries (server mode)
    dht: kadDHT({ protocol: LAN_DHT_PROTOCOL, clientMode: false, peerInfoMapper: removePublicAddressesMapper }),
    pubsub: gossipsub({ allowPublishToZeroTopicPeers: true })
  }
}

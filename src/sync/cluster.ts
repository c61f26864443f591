import { sha3Hex } from '../dag/index.js'

/**
 * A cluster is a trust domain: nodes sharing a cluster key see each other's announcements and
 * manifests. Only a hash of the key travels (topic name and manifest), never the key itself.
 */
export function clusterKeyHash (clusterKey: string): string {
  return sha3Hex(`artdag-cluster\n${clusterKey}`)
}

/** gossip topic of a cluster: `<base>/<first 16 hex of the key hash>` */
export function clusterTopic (announceTopic: string, keyHash: string): string {
  return `${announceTopic}/${keyHash.slice(0, 16)}`
}

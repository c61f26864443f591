import { createHmac, timingSafeEqual } from 'node:crypto'
import { CLUSTER_TOKEN_MAX_SKEW_S } from './constants.js'
import type { SwarmKey } from './swarm-key.js'

const TOKEN = /^(\d{1,12})\.([0-9a-f]{64})$/

function mac (key: SwarmKey, cid: string, seconds: string): Buffer {
  return createHmac('sha256', key.derive('http-cluster-token')).update(`GET /ipfs/${cid}\n${seconds}`).digest()
}

/**
 * The cluster credential a member sends with `GET /ipfs/{cid}` to a node whose reads are private:
 * `<unix seconds>.<hex HMAC-SHA256 of the CID and the time>` under a secret derived from the swarm key.
 * It proves the key without revealing it, and is good for that one CID for a few minutes only, so a
 * token seen on the wire opens nothing else.
 */
export function clusterToken (key: SwarmKey, cid: string, nowMs = Date.now()): string {
  const seconds = String(Math.floor(nowMs / 1000))
  return `${seconds}.${mac(key, cid, seconds).toString('hex')}`
}

/** What is wrong with a cluster token for this CID, or undefined when it is good */
export function clusterTokenProblem (key: SwarmKey, token: string, cid: string, nowMs = Date.now()): string | undefined {
  const m = TOKEN.exec(token.trim())
  if (m == null) return 'the cluster token is malformed (expected "<unix seconds>.<64 hex digits>")'
  const [, seconds, hex] = m as unknown as [string, string, string]
  const skew = Math.abs(Number(seconds) - nowMs / 1000)
  if (skew > CLUSTER_TOKEN_MAX_SKEW_S) return `the cluster token is ${Math.round(skew)} s away from this node's clock (at most ${CLUSTER_TOKEN_MAX_SKEW_S} s)`
  if (!timingSafeEqual(mac(key, cid, seconds), Buffer.from(hex, 'hex'))) return 'the cluster token is not valid for this CID under this cluster\'s swarm key'
  return undefined
}

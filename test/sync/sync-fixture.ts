import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { asCacheId, cidToString, sha3Hex, type CacheId, type Cid } from '../../src/dag/ids.js'
import { createCacheIndex, createRedisKeys, type CacheIndex, type RedisKeys } from '../../src/state/index.js'
import { createContentStore, type ContentStore } from '../../src/store/index.js'
import { createStateSync, type StateSync, type StateSyncInit } from '../../src/sync/index.js'
import { silentLogger } from '../../src/util/logger.js'
import { testPrefix } from '../fixtures/redis.js'
import type { MeshNode } from '../../src/mesh/index.js'
import type { Redis } from 'ioredis'

export interface SyncNode {
  mesh: MeshNode
  sync: StateSync
  index: CacheIndex
  store: ContentStore
  keys: RedisKeys
}

/** a state sync over a mesh node with its own Redis key prefix (pass keys to keep state across restarts), in the namespace of the node's swarm key as a node's is */
export async function startSync (mesh: MeshNode, redis: Redis, init: StateSyncInit = {}, keys = createRedisKeys(testPrefix())): Promise<SyncNode> {
  const index = createCacheIndex({ redis, keys })
  const store = createContentStore({ helia: mesh.helia, logger: silentLogger() })
  const sync = createStateSync({ helia: mesh.helia, store, localIndex: index, redis, keys, logger: silentLogger() }, { clusterKey: mesh.swarmKey.syncNamespace(), ...init })
  await sync.start()
  return { mesh, sync, index, store, keys }
}

/** waits until `a` sees `b` subscribed to the sync topic (gossipsub has exchanged subscriptions) */
export async function waitSubscribed (a: SyncNode, b: SyncNode, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!a.mesh.libp2p.services.pubsub.getSubscribers(a.sync.topic).some((p) => p.toString() === b.mesh.peerId)) {
    if (Date.now() > deadline) throw new Error('peers never subscribed to each other')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

let n = 0
/** a distinct, valid cache id */
export function cacheIdFor (label: string): CacheId {
  return asCacheId(sha3Hex(`${label}:${n++}`))
}

/** a valid raw CID of some label (the bytes need not exist anywhere: remote entries are hints) */
export async function cidFor (label: string): Promise<Cid> {
  return cidToString(CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode(label))))
}

/** the CID of a label's bytes, stored on the node: a node lists only results whose bytes it holds */
export async function heldCidFor (node: SyncNode, label: string): Promise<Cid> {
  return (await node.store.addBytes(new TextEncoder().encode(label))).cid
}

/** announces from a until gossipsub has an outbound stream to b and b stored the hint (subscriptions can arrive first) */
export async function warmUp (a: SyncNode, b: SyncNode, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  const cacheId = cacheIdFor('warm-up')
  const cid = await cidFor('warm-up')
  for (;;) {
    const { recipients } = await a.sync.announce(cacheId, cid)
    if (recipients > 0) {
      while (await b.sync.lookup(cacheId) == null) {
        if (Date.now() > deadline) throw new Error('warm-up announcement never arrived')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      return
    }
    if (Date.now() > deadline) throw new Error('gossip never reached the peer')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

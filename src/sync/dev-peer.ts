/**
 * A standalone sync peer for multi-process tests and the mesh bench: a mesh node, content store,
 * Redis cache index, state sync and CAR server in one process, driven by JSON lines on stdin
 * (`{id, op, ...args}`) and answering JSON lines on stdout (`{id, ok, result | error}`).
 * It also serves `GET /ipfs/{cid}?format=car` over HTTP (its URL is in the ready line and advertised by sync).
 * Config comes as JSON in ARTDAG_DEV_PEER: {dataDir, redisUrl, prefix, swarmKey?, intervalMs?, storeBackend?}.
 * `swarmKey` (64 hex digits) makes it a member of that cluster; without one it has a key of its own,
 * so it is a stranger to every node (the client that membership tests expect to be refused).
 * Run: node dist/src/sync/dev-peer.js
 */
import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { Redis } from 'ioredis'
import { asCacheId, asCid } from '../dag/index.js'
import { clusterToken, createMeshNode, SwarmKey } from '../mesh/index.js'
import { createCacheIndex, createRedisKeys } from '../state/index.js'
import { createCarServer, pullCar, pullCarHttp } from '../store/index.js'
import { createContentStore } from '../store/index.js'
import { createLogger } from '../util/index.js'
import { startDevHttp } from './dev-http.js'
import { createStateSync } from './index.js'

interface DevPeerConfig { dataDir: string, redisUrl: string, prefix: string, swarmKey?: string, intervalMs?: number, logLevel?: string, storeBackend?: 'fs' | 'level' }

function send (value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n')
}

async function main (): Promise<void> {
  const config = JSON.parse(process.env.ARTDAG_DEV_PEER ?? '{}') as DevPeerConfig
  const logger = createLogger({ level: config.logLevel ?? 'warn' })
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null })
  const keys = createRedisKeys(config.prefix)
  const swarmKey = config.swarmKey != null ? SwarmKey.parse(config.swarmKey) : undefined
  const mesh = await createMeshNode({ dataDir: config.dataDir, logger, listen: ['/ip4/127.0.0.1/tcp/0'], storeBackend: config.storeBackend, ...(swarmKey != null ? { swarmKey } : {}) })
  const store = createContentStore({ helia: mesh.helia, logger })
  const index = createCacheIndex({ redis, keys })
  const http = await startDevHttp(mesh.helia)
  const sync = createStateSync({ helia: mesh.helia, store, localIndex: index, remoteIndex: index, redis, keys, logger }, {
    clusterKey: mesh.swarmKey.syncNamespace(), intervalMs: config.intervalMs, publishDebounceMs: 50, httpUrl: () => http.url
  })
  const car = createCarServer({ helia: mesh.helia, libp2p: mesh.libp2p, logger })
  await sync.start()
  await car.start()
  const stop = async (): Promise<void> => {
    await car.stop()
    await sync.stop()
    await http.close()
    await mesh.stop()
    await redis.quit()
  }
  type Args = Record<string, string | number | undefined>
  const ops: Record<string, (a: Args) => Promise<unknown>> = {
    dial: async (a) => await mesh.dial(String(a.addr)),
    setLocal: async (a) => { await index.set(asCacheId(String(a.cacheId)), asCid(String(a.cid))) },
    announce: async (a) => await sync.announce(asCacheId(String(a.cacheId)), asCid(String(a.cid))),
    publish: async () => await sync.publishNow(),
    lookup: async (a) => await sync.lookup(asCacheId(String(a.cacheId))) ?? null,
    status: async () => sync.status(),
    addRandom: async (a) => (await store.addBytes(randomBytes(Number(a.bytes)))).cid,
    gc: async () => await store.gc(),
    pullCar: async (a) => {
      const r = await pullCar(mesh.helia, String(a.peer), String(a.cid), { timeoutMs: 10_000 })
      return { blocks: r.blocks, bytes: r.bytes }
    },
    pullCarHttp: async (a) => {
      // a member proves it with a cluster token from its key; a stranger's token is one of another key
      const r = await pullCarHttp(mesh.helia, String(a.url), String(a.cid), { timeoutMs: 10_000, clusterToken: clusterToken(mesh.swarmKey, String(a.cid)) })
      return { blocks: r.blocks, bytes: r.bytes }
    },
    rawTcp: async (a) => await http.rawTcp(Number(a.bytes)),
    peerUrl: async (a) => await sync.peerUrl(String(a.peer)) ?? null,
    stop: async () => { await stop(); setImmediate(() => process.exit(0)) }
  }
  send({ event: 'ready', peerId: mesh.peerId, addrs: mesh.multiaddrs(), url: http.url })
  const lines = createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    let req: Args & { id?: number, op?: string }
    try {
      req = JSON.parse(line) as typeof req
    } catch {
      send({ ok: false, error: { name: 'SyntaxError', message: 'request is not JSON' } })
      return
    }
    const op = ops[String(req.op)]
    if (op == null) {
      send({ id: req.id, ok: false, error: { name: 'UnknownOpError', message: `unknown op "${String(req.op)}"` } })
      return
    }
    op(req).then(
      (result) => send({ id: req.id, ok: true, result }),
      (err: Error) => send({ id: req.id, ok: false, error: { name: err.name, message: err.message } })
    )
  })
  lines.on('close', () => { stop().then(() => process.exit(0), () => process.exit(1)) })
}

main().catch((err: Error) => {
  process.stderr.write(`dev-peer failed: ${err.stack ?? err.message}\n`)
  process.exit(1)
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type CliProcess } from '../fixtures/cli-process.js'
import { testPrefix, testRedis, testRedisUrl } from '../fixtures/redis.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'
import { SyncProbe, chainOf, effectStep, render, until } from './sync-probe.js'

/** `artdag worker` for a node process: the node's Redis (the suite's, under the node's prefix), joined to its mesh */
function startNodeWorker (node: NodeProcess, prefix: string, dataDir: string): CliProcess {
  return startWorker(['--redis', testRedisUrl()], dataDir, {
    ARTDAG_REDIS_PREFIX: prefix,
    ARTDAG_BOOTSTRAP: node.multiaddr,
    ARTDAG_SWARM_KEY: TEST_SWARM_KEY_HEX,
    ARTDAG_SYNC_INTERVAL_MS: '2000',
    LOG_LEVEL: 'info'
  })
}

describe('sync of a node with an `artdag worker`', () => {
  let redis: Redis
  let probe: SyncProbe
  const dirs: Record<string, string> = {}
  const nodes: NodeProcess[] = []
  let worker: CliProcess | undefined

  async function start (name: string, prefix: string, env: Record<string, string>): Promise<NodeProcess> {
    const node = await startNodeProcess(dirs[name] as string, { REDIS_URL: testRedisUrl(), ARTDAG_REDIS_PREFIX: prefix, ARTDAG_SYNC_INTERVAL_MS: '2000', LOG_LEVEL: 'info', ...env })
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    redis = testRedis()
    probe = new SyncProbe(redis)
    for (const name of ['a', 'b', 'w']) dirs[name] = await mkdtemp(join(tmpdir(), `artdag-worker-sync-${name}-`))
  })

  afterAll(async () => {
    await worker?.stop()
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    for (const dir of Object.values(dirs)) await rm(dir, { recursive: true, force: true })
    await redis?.quit()
  })

  it('should keep the node\'s sync identity its own: the worker lists only what it rendered, the node takes it over', async () => {
    const prefixA = testPrefix()
    const prefixB = testPrefix()
    let a = await start('a', prefixA, { ARTDAG_WORKERS: '2' })
    const b = await start('b', prefixB, { ARTDAG_BOOTSTRAP: a.multiaddr })
    const byA = effectStep(await render(a, 'invert'))
    expect(byA.status).toBe('completed')
    await until('B to hear of A\'s result', 20_000, async () => (await probe.hint(prefixB, byA.cacheId))?.peer === a.peerId ? true : undefined)

    // from here on A renders nothing itself: its worker process does
    await a.stop()
    a = await start('a', prefixA, { ARTDAG_WORKERS: '0', ARTDAG_BOOTSTRAP: b.multiaddr })
    const w = startNodeWorker(a, prefixA, dirs.w as string)
    worker = w
    const workerPeer = await until('the worker to start', 60_000, async () => /"peerId":"(\w+)","role":"worker"[^\n]*"msg":"node started"/.exec(w.log())?.[1], 100)
    const byWorker = effectStep(await render(a, 'grayscale'))
    expect(byWorker.status).toBe('completed')
    expect(byWorker.worker).toContain(workerPeer.slice(-8))

    // A takes the worker's result over: once it holds the bytes, its own manifest lists it
    const { manifest: ownCid, chain: own } = await until('A to list the worker\'s result as its own', 30_000, async () => {
      const record = await probe.syncField(prefixA, 'own')
      if (record?.manifest == null) return undefined
      const chain = await chainOf(a, record.manifest)
      return chain.entries.get(byWorker.cacheId) === byWorker.cid ? { manifest: record.manifest, chain } : undefined
    }, 200)
    expect(own.manifest.peer).toBe(a.peerId)
    expect(own.entries.get(byA.cacheId)).toBe(byA.cid)

    // the worker's own record and manifest: its PeerId, only what it rendered
    // (the worker publishes after it announces: its record may name an older manifest for a moment; A reads
    // a manifest only once it merged it)
    const workerChain = await until('A to merge the worker\'s manifest listing its result', 30_000, async () => {
      const record = await probe.syncField(prefixA, `worker:${workerPeer}`)
      const merged = await probe.syncField<{ manifest?: string }>(prefixA, `peer:${workerPeer}`)
      if (record?.manifest == null || merged?.manifest !== record.manifest) return undefined
      const chain = await chainOf(a, record.manifest)
      return chain.entries.has(byWorker.cacheId) ? chain : undefined
    }, 200)
    expect(workerChain.manifest.peer).toBe(workerPeer)
    expect(workerChain.entries.get(byWorker.cacheId)).toBe(byWorker.cid)
    expect(workerChain.entries.has(byA.cacheId)).toBe(false)

    // peers name A for what A rendered, and A for what it took over (the worker at most while it holds it)
    const heard = await until('B to hear of the worker\'s result', 30_000, async () => await probe.hint(prefixB, byWorker.cacheId))
    expect([a.peerId, workerPeer]).toContain(heard.peer)
    expect((await probe.hint(prefixB, byA.cacheId))?.peer).toBe(a.peerId)

    // a restart of A rebuilds A's chain, not the worker's (it listens elsewhere now: a new manifest carries the URL)
    await a.stop()
    a = await start('a', prefixA, { ARTDAG_WORKERS: '0', ARTDAG_BOOTSTRAP: b.multiaddr })
    const republished = await until('A to publish after its restart', 30_000, async () => {
      const record = await probe.syncField(prefixA, 'own')
      return record?.manifest != null && record.manifest !== ownCid ? record.manifest : undefined
    }, 200)
    const chain = await chainOf(a, republished)
    expect(chain.manifest.peer).toBe(a.peerId)
    expect(chain.entries.get(byA.cacheId)).toBe(byA.cid)
    expect(chain.entries.get(byWorker.cacheId)).toBe(byWorker.cid)
    expect(chain.batches.filter((batch) => workerChain.batches.includes(batch))).toEqual([])
    expect(a.log()).not.toContain('not ours')
    expect(w.log()).not.toMatch(/"level":(50|60)/)
  }, 300_000)
})

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testPrefix, testRedis, testRedisUrl } from '../fixtures/redis.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'
import { SyncProbe, effectStep, render, until } from './sync-probe.js'

const EFFECTS = ['sepia', 'posterize', 'contrast']

describe('a node whose hint index holds one entry', () => {
  let redis: Redis
  let probe: SyncProbe
  const dirs: string[] = []
  const nodes: NodeProcess[] = []

  beforeAll(async () => {
    redis = testRedis()
    probe = new SyncProbe(redis)
    for (const name of ['a', 'c']) dirs.push(await mkdtemp(join(tmpdir(), `artdag-evict-${name}-`)))
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
    await redis?.quit()
  })

  it('should find what it evicted by asking its peer, and render none of it', async () => {
    const [prefixA, prefixC] = [testPrefix(), testPrefix()]
    const a = await startNodeProcess(dirs[0] as string, { REDIS_URL: testRedisUrl(), ARTDAG_REDIS_PREFIX: prefixA })
    nodes.push(a)
    const c = await startNodeProcess(dirs[1] as string, { REDIS_URL: testRedisUrl(), ARTDAG_REDIS_PREFIX: prefixC, ARTDAG_BOOTSTRAP: a.multiaddr, ARTDAG_SYNC_HINT_MAX_ENTRIES: '1' })
    nodes.push(c)
    await until('C to resolve A', 30_000, async () => await probe.syncField(prefixC, `peer:${a.peerId}`))
    const onA = []
    for (const effect of EFFECTS) onA.push(effectStep(await render(a, effect)))
    for (const step of onA) expect(step.status).toBe('completed')
    // C heard of the last one; the bound left no room for the others
    const last = onA[onA.length - 1] as (typeof onA)[number]
    await until('C to hear of A\'s last result', 30_000, async () => await probe.hint(prefixC, last.cacheId))
    expect(await redis.hlen(probe.keys(prefixC).remoteIndex())).toBe(1)
    expect(await probe.hint(prefixC, (onA[0] as (typeof onA)[number]).cacheId)).toBeUndefined()
    for (const [i, effect] of EFFECTS.entries()) {
      expect(effectStep(await render(c, effect))).toMatchObject({ status: 'cached', source: 'peer', cid: onA[i]?.cid })
    }
    expect(await redis.hlen(probe.keys(prefixC).remoteIndex())).toBe(1)
  }, 300_000)
})

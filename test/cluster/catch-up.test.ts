import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testPrefix, testRedis, testRedisUrl } from '../fixtures/redis.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'
import { SyncProbe, effectStep, loggedAt, render, until } from './sync-probe.js'

/** far beyond the test: whatever C learns after its restart, it does not learn from a periodic tick */
const LONG_INTERVAL_MS = '120000'
const EFFECTS = ['sepia', 'saturation', 'hue_shift', 'posterize', 'contrast']

describe('catch-up of a restarted node', () => {
  let redis: Redis
  let probe: SyncProbe
  const dirs: string[] = []
  const nodes: NodeProcess[] = []

  async function start (dir: string, prefix: string, env: Record<string, string> = {}): Promise<NodeProcess> {
    const node = await startNodeProcess(dir, { REDIS_URL: testRedisUrl(), ARTDAG_REDIS_PREFIX: prefix, LOG_LEVEL: 'info', ...env })
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    redis = testRedis()
    probe = new SyncProbe(redis)
    for (const name of ['a', 'c', 'lone']) dirs.push(await mkdtemp(join(tmpdir(), `artdag-catch-up-${name}-`)))
  })

  afterAll(async () => {
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
    await redis?.quit()
  })

  it('should list what a peer rendered while it was stopped within 2 s of starting, and render none of it', async () => {
    const [dirA, dirC] = dirs as [string, string]
    const prefixA = testPrefix()
    const prefixC = testPrefix()
    const env = { ARTDAG_SYNC_INTERVAL_MS: LONG_INTERVAL_MS, ARTDAG_FETCH_TIMEOUT_MS: '15000' }
    const a = await start(dirA, prefixA, env)
    let c = await start(dirC, prefixC, { ...env, ARTDAG_BOOTSTRAP: a.multiaddr })
    // C has caught up with A once: it keeps a cursor for A across its restart
    await until('C to resolve A', 20_000, async () => await probe.syncField(prefixC, `peer:${a.peerId}`))

    await c.stop()
    const onA = []
    for (const effect of EFFECTS) onA.push(await render(a, effect))
    const rendered = onA.map((run) => effectStep(run))
    for (const step of rendered) expect(step.status).toBe('completed')

    c = await start(dirC, prefixC, { ...env, ARTDAG_BOOTSTRAP: a.multiaddr })
    // the log line carries the time it was written; it may reach the pipe a little after the start banner
    const started = await until('C to log that it started', 10_000, async () => loggedAt(c, 'node started'))
    // the steps go in at once: a lookup while A's state is still being resolved waits for it
    const onC = Promise.all(EFFECTS.map(async (effect) => await render(c, effect)))
    onC.catch(() => {}) // awaited below; a failure before that must not go unhandled
    const listed = await until('C to list all 5 of A\'s results', 10_000, async () => {
      const hints = await Promise.all(rendered.map(async (s) => await probe.hint(prefixC, s.cacheId)))
      return hints.every((h) => h?.peer === a.peerId) ? Date.now() : undefined
    })
    expect(listed - (started as number)).toBeLessThanOrEqual(2000)
    for (const [i, run] of (await onC).entries()) {
      expect(effectStep(run)).toMatchObject({ status: 'cached', source: 'peer', cid: rendered[i]?.cid })
    }
  }, 240_000)

  it('should not warn that a publish reached no peer when the node has none', async () => {
    const lone = await start(dirs[2] as string, testPrefix(), { ARTDAG_SYNC_INTERVAL_MS: '200', LOG_LEVEL: 'debug' })
    const publishes = (): string[] => lone.log().split('\n').filter((l) => l.includes('"component":"sync"') && /manifest (kept locally|publish reached no peer)/.test(l))
    await until('five lonely publishes', 20_000, async () => publishes().length >= 5 ? true : undefined, 100)
    for (const line of publishes()) expect((JSON.parse(line) as { level: number }).level, line).toBeLessThan(40)
    expect(lone.log()).not.toMatch(/"level":(40|50)[^\n]*reached no peer/)
  }, 120_000)
})

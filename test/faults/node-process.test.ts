import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isAlive } from '../../src/state/stale-redis.js'
import type { RunRecord } from '../../src/state/types.js'
import { startNodeProcess, uploadTestClip, type NodeProcess } from '../cluster/node-process.js'
import { bySuite } from '../fixtures/suite.js'
import { expectClaimsReleased, expectHealthy, expectServedIntact, managedRedisClient, managedRedisPid, waitForRun } from './invariants.js'

const ENV = { ARTDAG_CLAIM_LEASE_MS: '2000', ARTDAG_FETCH_TIMEOUT_MS: '5000', ARTDAG_SYNC: 'false' }
/** node restarts mid-run: SIGTERM once, then SIGKILL (test/cluster kills once; here it is repeated) */
const RESTARTS: NodeJS.Signals[] = ['SIGTERM', ...bySuite<NodeJS.Signals[]>(['SIGKILL'], ['SIGKILL', 'SIGKILL', 'SIGTERM'])]

async function until<T> (what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('a node process under fire', () => {
  let dir: string
  let node: NodeProcess
  let clip: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-fault-node-'))
    node = await startNodeProcess(dir, ENV)
    clip = await uploadTestClip(node, dir, 4)
  }, 120_000)

  afterAll(async () => {
    await node?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  /** starts a blur of the clip and resolves once its effect step is being rendered */
  const startSlowRun = async (radius: number): Promise<string> => {
    const { status, body } = await node.api<RunRecord>('POST', '/runs', { recipe: 'blur', inputs: [clip], params: { radius } })
    expect(status, JSON.stringify(body)).toBeLessThan(300)
    await until('the blur step to start', 60_000, async () => {
      const { body: run } = await node.api<RunRecord>('GET', `/runs/${body.id}`)
      return run.steps.some((s) => s.type === 'EFFECT' && (s.status === 'running')) ? true : undefined
    })
    return body.id
  }

  /** the run completed, its effect step after `faultAt` (so the fault hit it mid-step), and the invariants hold */
  const expectSound = async (runId: string, faultAt: number): Promise<void> => {
    const done = await waitForRun(node.url, runId)
    expect(done.status, done.error).toBe('completed')
    const effect = done.steps.find((s) => s.type === 'EFFECT')!
    expect(Date.parse(effect.finishedAt!), JSON.stringify(effect)).toBeGreaterThan(faultAt)
    await expectServedIntact(node.url, done.outputCid!)
    await expectServedIntact(node.url, clip)
    const redis: Redis = await managedRedisClient(dir)
    try {
      await expectClaimsReleased(redis, 'artdag:')
    } finally {
      redis.disconnect()
    }
    await expectHealthy(node.url)
  }

  it('should restart its managed Redis when it is killed mid-run, and finish the run', async () => {
    const runId = await startSlowRun(40)
    const killed = await managedRedisPid(dir)
    const faultAt = Date.now()
    process.kill(killed, 'SIGKILL')
    const restarted = await until('the managed redis-server to come back', 30_000, async () => {
      const pid = await managedRedisPid(dir)
      return pid !== killed && isAlive(pid) ? pid : undefined
    })
    expect(isAlive(killed)).toBe(false)
    expect(restarted).not.toBe(killed)
    await expectSound(runId, faultAt)
    expect(node.log()).toContain('managed redis-server restarted')
  }, 240_000)

  it(`should finish runs interrupted by restarting the node (${RESTARTS.join(', ')})`, async () => {
    for (const [i, signal] of RESTARTS.entries()) {
      const runId = await startSlowRun(41 + i)
      const faultAt = Date.now()
      await node.stop(signal)
      node = await startNodeProcess(dir, ENV)
      await expectSound(runId, faultAt)
    }
  }, bySuite(300_000, 600_000))
})

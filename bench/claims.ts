import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Redis } from 'ioredis'
import type { CacheId, Cid, PlanId } from '../src/dag/ids.js'
import {
  createClaims, createRedisConnection, createRedisKeys, createRunStore, startManagedRedis, type RunRecord, type RunStatus
} from '../src/state/index.js'
import type { BenchResult, GoalRow } from './index.js'
import { median } from './stats.js'

export interface ClaimsBenchInit {
  /** an existing Redis; by default a managed redis-server (AOF on, as in the embedded node) in a temp dir */
  redisUrl?: string
  /** @default 100000 */
  runs?: number
}

const hex = (): string => randomBytes(32).toString('hex')
const CID = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
const STATUSES: RunStatus[] = ['completed', 'completed', 'completed', 'failed', 'running']

function percentile (sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0
}

async function timeMany (n: number, fn: (i: number) => Promise<unknown>): Promise<{ p50: number, p95: number }> {
  const samples: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await fn(i)
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) }
}

function fakeRun (i: number, base: number): RunRecord {
  const createdAt = new Date(base + i).toISOString()
  return {
    id: hex() as PlanId,
    status: STATUSES[i % STATUSES.length] ?? 'completed',
    recipeName: 'bench-recipe',
    inputs: [{ name: 'video', cid: CID }],
    steps: Array.from({ length: 5 }, (_, s) => ({ id: `step-${s}`, type: 'EFFECT', cacheId: hex() as CacheId, status: 'completed' as const, cid: CID })),
    outputCid: CID,
    createdAt,
    updatedAt: createdAt
  }
}

/** seeds like RunStore.create does, but pipelined, so 100k runs take seconds */
async function seedRuns (redis: Redis, keys: ReturnType<typeof createRedisKeys>, count: number): Promise<RunRecord> {
  const base = Date.now() - count
  let last = fakeRun(0, base)
  for (let start = 0; start < count; start += 2000) {
    const pipeline = redis.pipeline()
    for (let i = start; i < Math.min(count, start + 2000); i++) {
      const run = fakeRun(i, base)
      const score = Date.parse(run.createdAt)
      pipeline.set(keys.run(run.id), JSON.stringify(run)).zadd(keys.runsByTime(), score, run.id).zadd(keys.runsByStatus(run.status), score, run.id)
      last = run
    }
    await pipeline.exec()
  }
  return last
}

export async function runClaimsBench (init: ClaimsBenchInit = {}): Promise<BenchResult> {
  const dataDir = init.redisUrl == null ? await mkdtemp(join(tmpdir(), 'artdag-bench-claims-')) : undefined
  const managed = dataDir == null ? undefined : await startManagedRedis({ dataDir })
  const redis = await createRedisConnection(init.redisUrl ?? managed?.localUrl ?? '', 5)
  const keys = createRedisKeys(`bench${randomBytes(4).toString('hex')}:`)
  const claims = createClaims({ redis, keys, workerId: 'bench-worker', leaseMs: 30_000 })
  const waiterClaims = createClaims({ redis, keys, workerId: 'bench-waiter', leaseMs: 30_000 })
  try {
    // claims and the floor (a bare SET NX PX per round trip, no Lua, no claim bookkeeping) alternate in
    // warmed-up rounds, so both see the same machine; the medians are compared
    const sequentialN = 2_000
    const claimRates: number[] = []
    const setRates: number[] = []
    const rate = async (fn: () => Promise<unknown>): Promise<number> => {
      const started = performance.now()
      for (let i = 0; i < sequentialN; i++) await fn()
      return sequentialN / ((performance.now() - started) / 1000)
    }
    const claimOne = async (): Promise<unknown> => await claims.claim(hex() as CacheId)
    const setOne = async (): Promise<unknown> => await redis.set(keys.claim(hex() as CacheId), 'bench-worker', 'PX', 30_000, 'NX')
    // 15 rounds of each: the machine's speed drifts over seconds, and a median of a few is a coin toss
    await rate(claimOne)
    await rate(setOne)
    for (let round = 0; round < 15; round++) {
      claimRates.push(await rate(claimOne))
      setRates.push(await rate(setOne))
    }
    const sequential = median(claimRates)
    const bareSet = median(setRates)

    const concurrentN = 50_000
    let t = performance.now()
    for (let start = 0; start < concurrentN; start += 1000) {
      await Promise.all(Array.from({ length: 1000 }, async () => await claims.claim(hex() as CacheId)))
    }
    const concurrent = concurrentN / ((performance.now() - t) / 1000)

    const cycleN = 2_000
    t = performance.now()
    for (let i = 0; i < cycleN; i++) {
      const id = hex() as CacheId
      await claims.claim(id)
      await claims.release(id)
    }
    const cycles = cycleN / ((performance.now() - t) / 1000)

    // claim lost -> subscribe -> result: latency from publish to the waiter's answer
    const handoff = await timeMany(200, async () => {
      const id = hex() as CacheId
      await claims.claim(id)
      const waiting = waiterClaims.waitForResult(id)
      await new Promise((resolve) => setImmediate(resolve))
      await claims.publishResult(id, { cid: CID })
      await waiting
    })

    const runCount = init.runs ?? 100_000
    t = performance.now()
    const sample = await seedRuns(redis, keys, runCount)
    const seedMs = performance.now() - t
    const runs = createRunStore({ redis, keys })
    const firstPage = await timeMany(300, async () => await runs.list({ offset: 0, limit: 20 }))
    const deepPage = await timeMany(100, async (i) => await runs.list({ offset: Math.floor(runCount / 2) + i, limit: 20 }))
    const statusPage = await timeMany(300, async () => await runs.list({ status: 'failed', offset: 0, limit: 20 }))
    const update = await timeMany(300, async (i) => await runs.updateStep(sample.id, `step-${i % 5}`, { durationMs: i }))

    const rows: GoalRow[] = [
      { name: 'claims, sequential awaits', value: Math.round(sequential), unit: 'claims/s', goal: '>= 10000/s', met: sequential >= 10_000 },
      { name: 'bare SET NX PX, sequential (baseline)', value: Math.round(bareSet), unit: 'ops/s' },
      { name: 'claims / bare SET, sequential', value: sequential / bareSet, unit: 'x' },
      { name: 'claims, 1000 concurrent', value: Math.round(concurrent), unit: 'claims/s', goal: '>= 10000/s', met: concurrent >= 10_000 },
      { name: 'claim+release cycles, sequential', value: Math.round(cycles), unit: 'cycles/s' },
      { name: 'result hand-off to a waiting worker p50', value: handoff.p50, unit: 'ms' },
      { name: `GET /runs first page p50 (${runCount} runs)`, value: firstPage.p50, unit: 'ms', goal: '< 20 ms', met: firstPage.p50 < 20 },
      { name: `runs page at offset ${Math.floor(runCount / 2)} p50`, value: deepPage.p50, unit: 'ms', goal: '< 20 ms', met: deepPage.p50 < 20 },
      { name: 'runs page filtered by status p50', value: statusPage.p50, unit: 'ms', goal: '< 20 ms', met: statusPage.p50 < 20 },
      { name: 'updateStep p50', value: update.p50, unit: 'ms' }
    ]
    return {
      rows,
      raw: {
        redis: managed == null ? 'external' : 'managed (appendonly yes, appendfsync everysec)',
        sequential, bareSet, claimRates, setRates, concurrent, cycles, handoff, seedMs, runCount, firstPage, deepPage, statusPage, update
      }
    }
  } finally {
    await claims.stop()
    await waiterClaims.stop()
    if (managed == null) await deletePrefix(redis, keys.prefix)
    await redis.quit()
    await managed?.stop()
    if (dataDir != null) await rm(dataDir, { recursive: true, force: true })
  }
}

async function deletePrefix (redis: Redis, prefix: string): Promise<void> {
  let cursor = '0'
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000)
    if (found.length > 0) await redis.unlink(...found)
    cursor = next
  } while (cursor !== '0')
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runClaimsBench().then(async (result) => {
    await mkdir('bench-results', { recursive: true })
    await writeFile(join('bench-results', 'claims.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n')
    process.stdout.write(JSON.stringify(result.rows, null, 2) + '\n')
  }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exitCode = 1
  })
}

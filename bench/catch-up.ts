/**
 * Catch-up after a real restart: node C (an `artdag serve` process) is stopped, node A renders 5 new steps,
 * C is started again and the same 5 steps are submitted to it at once. Measured: from C's "node started" log
 * line (and from its process start) until C lists all 5 as A's results, and how many of them C rendered
 * itself (the goal: none). Both nodes are processes on 127.0.0.1 with the default 30 s sync interval, so
 * nothing here comes from a periodic tick. `node dist/bench/catch-up.js` writes bench-results/catch-up.json.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SwarmKey } from '../src/mesh/index.js'
import { createRedisConnection, createRedisKeys, startManagedRedis } from '../src/state/index.js'
import { startServeProcess, type ServeProcess } from '../test/fixtures/cli-process.js'
import type { Redis } from 'ioredis'
import type { BenchResult } from './index.js'

export interface CatchUpBenchInit {
  /** restarts of C, each after 5 new steps on A @default 3 */
  repetitions?: number
}

interface Step { type: string, cacheId: string, cid?: string, status: string, source?: string }
interface Node extends ServeProcess { spawnedAt: number }

const STEPS = 5
const GOAL_MS = 2000

/** `artdag serve` with sync on (what this bench measures), two workers, info logs (the start line it times) */
async function startNode (dataDir: string, env: Record<string, string>): Promise<Node> {
  const spawnedAt = Date.now()
  return { ...await startServeProcess(dataDir, { ARTDAG_WORKERS: '2', LOG_LEVEL: 'info', ...env }), spawnedAt }
}

/** the EFFECT step of a `saturation` run on the bundled cat picture */
async function render (node: Node, amount: number): Promise<Step> {
  const res = await fetch(`${node.url}/runs?wait=300`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ recipe: 'saturation', inputs: ['cat'], params: { amount } })
  })
  const run = await res.json() as { status: string, error?: string, steps: Step[] }
  if (res.status >= 300 || run.status !== 'completed') throw new Error(`run on ${node.url} ended ${run.status}: ${run.error ?? res.status}`)
  const step = run.steps.find((s) => s.type === 'EFFECT')
  if (step == null) throw new Error('run has no EFFECT step')
  return step
}

function loggedAt (node: Node, msg: string): number {
  const line = node.log().split('\n').find((l) => l.startsWith('{') && l.includes(`"msg":"${msg}"`))
  if (line == null) throw new Error(`the node never logged "${msg}"`)
  return (JSON.parse(line) as { time: number }).time
}

async function until<T> (what: string, ms: number, fn: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN

export async function runCatchUpBench (init: CatchUpBenchInit = {}): Promise<BenchResult> {
  const repetitions = Math.max(1, init.repetitions ?? 3)
  const root = await mkdtemp(join(tmpdir(), 'artdag-bench-catch-up-'))
  const managed = await startManagedRedis({ dataDir: join(root, 'redis') })
  const redis: Redis = await createRedisConnection(managed.url, 5)
  const prefixC = `benchcatchupc${Date.now()}:`
  const keysC = createRedisKeys(prefixC)
  // one cluster: both nodes hold the same swarm key
  const swarmKey = SwarmKey.generate().fileText()
  const env = (prefix: string): Record<string, string> => ({ REDIS_URL: managed.url, ARTDAG_REDIS_PREFIX: prefix, ARTDAG_SWARM_KEY: swarmKey })
  let a: Node | undefined
  let c: Node | undefined
  const fromStartedMs: number[] = []
  const fromSpawnMs: number[] = []
  let duplicates = 0
  try {
    a = await startNode(join(root, 'a'), env(`benchcatchupa${Date.now()}:`))
    const startC = async (): Promise<Node> => await startNode(join(root, 'c'), { ...env(prefixC), ARTDAG_BOOTSTRAP: (a as Node).multiaddr })
    c = await startC()
    await until('C to know A', 30_000, async () => await redis.hget(keysC.sync(), `peer:${(a as Node).peerId}`) ?? undefined)
    for (let r = 0; r < repetitions; r++) {
      await c.stop()
      const amounts = Array.from({ length: STEPS }, (_, i) => 0.05 + 0.1 * (r * STEPS + i))
      const onA: Step[] = []
      for (const amount of amounts) onA.push(await render(a, amount))
      c = await startC()
      const restarted = c
      // the steps go to C at once: a miss while A's state is being resolved waits for it
      const onC = Promise.all(amounts.map(async (amount) => await render(restarted, amount)))
      onC.catch(() => {})
      const listedAt = await until('C to list A\'s 5 results', 60_000, async () => {
        const hints = await redis.hmget(keysC.remoteIndex(), ...onA.map((s) => s.cacheId))
        return hints.every((h) => h != null && (JSON.parse(h) as { peer: string }).peer === (a as Node).peerId) ? Date.now() : undefined
      })
      fromStartedMs.push(listedAt - loggedAt(c, 'node started'))
      fromSpawnMs.push(listedAt - c.spawnedAt)
      duplicates += (await onC).filter((s) => s.source !== 'peer').length
    }
    const worst = Math.max(...fromStartedMs)
    return {
      rows: [
        {
          name: `catch-up after a real restart (process stopped and started; ${STEPS} steps rendered meanwhile; worst of ${repetitions})`,
          value: worst,
          unit: 'ms',
          goal: `<= ${GOAL_MS} ms, 0 duplicate renders`,
          met: worst <= GOAL_MS && duplicates === 0,
          note: `from "node started": ${fromStartedMs.join(', ')} ms (median ${median(fromStartedMs)}); from the process start: ${fromSpawnMs.join(', ')} ms; ${duplicates} of ${repetitions * STEPS} steps rendered again on C`
        }
      ],
      raw: { repetitions, steps: STEPS, fromStartedMs, fromSpawnMs, duplicates, syncIntervalMs: 30_000 }
    }
  } finally {
    if (c != null) await c.stop()
    if (a != null) await a.stop()
    await redis.quit()
    await managed.stop()
    await rm(root, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && fileURLToPath(import.meta.url) === process.argv[1]) {
  runCatchUpBench({ repetitions: Number(process.env.CATCH_UP_BENCH_REPS ?? 3) }).then(async (result) => {
    await mkdir('bench-results', { recursive: true })
    await writeFile(join('bench-results', 'catch-up.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n')
    process.stdout.write(JSON.stringify(result.rows, null, 2) + '\n')
  }).catch((err: Error) => { process.stderr.write(`${err.stack ?? err.message}\n`); process.exitCode = 1 })
}

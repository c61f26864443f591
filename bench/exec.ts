/**
 * Execution against the original system's engine, in one run: a Celery chain of no-op tasks on a Redis
 * broker and result backend, and the node through its public API (`POST /runs?wait` of a chain of
 * identity steps on a freshly uploaded input, so nothing is cached). Per step = (10-step - 1-step) / 9,
 * on both sides; rounds alternate between the two and medians are reported. A raw BullMQ job round trip
 * on the same Redis is the second baseline.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Queue, QueueEvents, Worker } from 'bullmq'
import { startBareRedis } from './bare-redis.js'
import { startCeleryPeer } from './celery.js'
import type { BenchResult } from './index.js'
import { callJson, keptAlive, startNodeProcess } from './node-process.js'
import { median } from './stats.js'

const LONG = 10
const WARM_UP_ROUNDS = 5

export interface ExecBenchInit {
  /** measured rounds, each one 10-step and one 1-step chain on each side @default 30 */
  rounds?: number
}

function chainRecipe (name: string, steps: number): string {
  const nodes = ['    - { id: s0, type: SOURCE, config: { input: true, name: in } }']
  for (let i = 1; i <= steps; i++) nodes.push(`    - { id: s${i}, type: EFFECT, config: { effect: identity }, inputs: [s${i - 1}] }`)
  return `name: ${name}\ndag:\n  nodes:\n${nodes.join('\n')}\n  output: s${steps}\n`
}

/** BullMQ jobs added one after the other, each awaited: the floor under any queued step */
async function rawBullmq (socket: string): Promise<{ chain: (jobs: number) => Promise<number>, close: () => Promise<void> }> {
  const opts = { connection: { path: socket, maxRetriesPerRequest: null }, prefix: 'rawbench' }
  const queue = new Queue('raw', opts)
  const events = new QueueEvents('raw', opts)
  const worker = new Worker('raw', async () => ({ ok: true }), { ...opts, concurrency: 1 })
  await Promise.all([queue.waitUntilReady(), events.waitUntilReady(), worker.waitUntilReady()])
  return {
    chain: async (jobs) => {
      const started = performance.now()
      for (let i = 0; i < jobs; i++) await (await queue.add('j', { i }, { removeOnComplete: { count: 1000 } })).waitUntilFinished(events)
      return performance.now() - started
    },
    close: async () => {
      await worker.close()
      await events.close()
      await queue.close()
    }
  }
}

export async function runExecBench (init: ExecBenchInit = {}): Promise<BenchResult> {
  const rounds = init.rounds ?? 30
  const dir = await mkdtemp(join(tmpdir(), 'artdag-bench-exec-'))
  const redis = await startBareRedis(dir)
  const celery = await startCeleryPeer(`redis+socket://${redis.socket}`).catch(async (err: unknown) => { await redis.stop(); throw err })
  const node = await startNodeProcess(join(dir, 'node')).catch(async (err: unknown) => { await celery.stop(); await redis.stop(); throw err })
  const agent = keptAlive()
  const raw = await rawBullmq(redis.socket).catch(async (err: unknown) => { await node.stop(); await celery.stop(); await redis.stop(); throw err })
  try {
    for (const steps of [1, LONG]) {
      await callJson(agent, `${node.url}/configs/upload`, 'POST', chainRecipe(`chain-${steps}`, steps), 'text/yaml')
    }
    /** one run of the chain on a new input: the upload is not timed, the run from POST to its final answer is */
    const artdag = async (steps: number): Promise<number> => {
      const { cid } = await callJson<{ cid: string }>(agent, `${node.url}/cache/upload`, 'POST', randomBytes(1024), 'application/octet-stream')
      const body = JSON.stringify({ recipe: `chain-${steps}`, inputs: [cid] })
      const started = performance.now()
      const run = await callJson<{ status: string, error?: string }>(agent, `${node.url}/runs?wait=60`, 'POST', body)
      const ms = performance.now() - started
      if (run.status !== 'completed') throw new Error(`bench run ended ${run.status}: ${run.error ?? ''}`)
      return ms
    }
    // JIT, connections and lazily started services: the first runs after a start are 2-3x slower
    for (let i = 0; i < WARM_UP_ROUNDS; i++) {
      for (const steps of [LONG, 1]) { await artdag(steps); await celery.chain(steps) }
      await raw.chain(LONG)
    }
    const samples = { artdag: { long: [] as number[], one: [] as number[] }, celery: { long: [] as number[], one: [] as number[] } }
    const rawJobMs: number[] = []
    for (let r = 0; r < rounds; r++) {
      rawJobMs.push(await raw.chain(LONG) / LONG)
      samples.artdag.long.push(await artdag(LONG))
      samples.celery.long.push(await celery.chain(LONG))
      samples.artdag.one.push(await artdag(1))
      samples.celery.one.push(await celery.chain(1))
    }
    const rawJob = median(rawJobMs)
    const perStep = (s: { long: number[], one: number[] }): number => (median(s.long) - median(s.one)) / (LONG - 1)
    const ours = perStep(samples.artdag)
    const theirs = perStep(samples.celery)
    const oneOurs = median(samples.artdag.one)
    const oneTheirs = median(samples.celery.one)
    const f = (x: number): string => x.toFixed(2)
    return {
      rows: [
        { name: `per step, ${LONG}-step identity chain minus 1-step (POST /runs?wait) / Celery ${celery.version} chain of no-op tasks`, value: ours / theirs, unit: 'x', goal: '<= 1.0x', met: ours <= theirs, note: `${f(ours)} vs ${f(theirs)} ms per step` },
        { name: '1-step run / Celery single task', value: oneOurs / oneTheirs, unit: 'x', goal: '<= 2x', met: oneOurs <= 2 * oneTheirs, note: `${f(oneOurs)} vs ${f(oneTheirs)} ms` },
        { name: 'per step / raw BullMQ job round trip', value: ours / rawJob, unit: 'x', note: `${f(ours)} vs ${f(rawJob)} ms` }
      ],
      raw: {
        rounds,
        note: 'the node is `artdag serve` in its own process (its managed Redis, unix socket); Celery is a worker (--pool=solo) and a Python caller over their own redis-server (unix socket, same AOF settings); raw BullMQ (10 jobs one after another per round, interleaved with the rest) uses that redis-server from the bench process',
        artdagMs: samples.artdag,
        celeryMs: samples.celery,
        perStepMs: { artdag: ours, celery: theirs },
        oneStepMs: { artdag: oneOurs, celery: oneTheirs },
        rawBullmqJobMs: rawJobMs
      }
    }
  } finally {
    await raw.close()
    agent.destroy()
    await node.stop()
    await celery.stop()
    await redis.stop()
    await rm(dir, { recursive: true, force: true })
  }
}

import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq'
import type { Redis } from 'ioredis'
import type { CacheId, Cid } from '../dag/index.js'
import { clearWorkRoot } from '../effects/index.js'
import type { MediaFile } from '../effects/index.js'
import type { Logger } from '../util/index.js'
import { isDeterministic, StepAbandonedError } from './errors.js'
import type { EventChannel, StepEvent } from './events.js'
import type { CacheIndexPort, ExecutorPort, RemoteIndexPort, StorePort } from './ports.js'
import { STEP_QUEUE, type StepJobData, type StepJobResult } from './step-jobs.js'

/**
 * how long a stopping worker pool lets its running steps finish (and BullMQ close) before it abandons
 * them: their ffmpeg is killed and their jobs go to another worker once their locks lapse, as after a
 * crash. With the wait for the abandoned steps, a worker process exits within 10 s of SIGTERM whatever Redis does
 */
const STEP_WORKER_CLOSE_GRACE_MS = 4_000
/** how long an abandoned step gets to kill its ffmpeg and remove its work dir */
const STEP_ABANDON_WAIT_MS = 3_000
const CONNECTION_ERROR_LOG_INTERVAL_MS = 10_000

export interface StepRunnerComponents {
  store: StorePort
  cacheIndex: Pick<CacheIndexPort, 'set'>
  /** where results and progress are told (the orchestrator, here or elsewhere, listens there) */
  channel: Pick<EventChannel, 'publish'>
  executor: ExecutorPort
  remoteIndex?: RemoteIndexPort
  logger: Logger
  /** told about every result this worker produced or fetched, for gossip announcements */
  onResult?(cacheId: CacheId, cid: Cid): void
}

/** the Redis commands that take a lapsed lease (BullMQ's lock key) again */
export type LeaseRedis = Pick<Redis, 'set' | 'get'>

export interface StepRunnerInit {
  workerId: string
  /** parent of the per-step temp dirs */
  workRoot: string
  fetchTimeoutMs: number
}

export interface StepWorkerInit {
  connection: ConnectionOptions
  prefix: string
  concurrency: number
  /** BullMQ's job lock: the step's lease. A worker that dies loses the step when it lapses */
  lockDurationMs: number
  stepTimeoutMs: number
  /** how long stop() lets running steps finish before it abandons them @default STEP_WORKER_CLOSE_GRACE_MS */
  closeGraceMs?: number
}

/**
 * Gets the result of one plan step. BullMQ hands a job to one worker at a time (its id is the cache id,
 * its lock the lease), so the step is decided here once: the peers' index (fetch by CID), else render.
 */
export class StepRunner {
  /** how this runner obtained results: executed here, or fetched from a peer (for /metrics and tests) */
  readonly stats: Record<'executed' | 'peer', number> = { executed: 0, peer: 0 }
  /** cache ids this runner executed, newest last (bounded), so tests can prove "exactly once" */
  readonly executed: CacheId[] = []
  private readonly log: Logger

  constructor (private readonly components: StepRunnerComponents, private readonly init: StepRunnerInit) {
    this.log = components.logger.child({ component: 'exec:step' })
  }

  /** kills the step children and removes the work dirs a previous process of this data dir left (see clearWorkRoot) */
  async clearLeftovers (): Promise<void> {
    await clearWorkRoot(this.init.workRoot, this.log)
  }

  /** the step's result; its index entry is written by the caller with the announcement of the result */
  async obtain (data: StepJobData, signal: AbortSignal, onEvent: (event: StepEvent) => void = () => {}): Promise<StepJobResult> {
    const cacheId = data.step.cacheId
    const started = Date.now()
    const remote = await this.fetchFromPeers(cacheId, signal)
    const cid = remote ?? await this.execute(data, signal, onEvent)
    const source = remote != null ? 'peer' : 'executed'
    this.stats[source]++
    if (source === 'executed') {
      this.executed.push(cacheId)
      if (this.executed.length > 10_000) this.executed.shift()
    }
    this.components.onResult?.(cacheId, cid)
    const finished = Date.now()
    return {
      cacheId, cid, source, worker: this.init.workerId,
      startedAt: new Date(started).toISOString(), finishedAt: new Date(finished).toISOString(), durationMs: finished - started
    }
  }

  private async fetchFromPeers (cacheId: CacheId, signal: AbortSignal): Promise<Cid | undefined> {
    const { remoteIndex, store } = this.components
    // a miss right after a peer (re)connected waits a bounded moment for that peer's state: no duplicate render
    const hint = await remoteIndex?.lookup(cacheId, { signal })
    if (hint == null) return undefined
    try {
      // reading every block verifies it against its CID; a lying peer costs a fetch, not a wrong result
      if (!await store.has(hint.cid)) {
        for await (const chunk of store.get(hint.cid, { signal, timeoutMs: this.init.fetchTimeoutMs })) void chunk
      }
      await store.pin(hint.cid, 'cache', { signal })
      return hint.cid
    } catch (err) {
      this.log.warn({ cacheId, cid: hint.cid, peer: hint.peer, err }, 'peer result could not be fetched; computing it here')
      return undefined
    }
  }

  private async execute (data: StepJobData, signal: AbortSignal, onEvent: (event: StepEvent) => void): Promise<Cid> {
    const { store, executor } = this.components
    const cacheId = data.step.cacheId
    const passthrough = executor.passthroughInput?.(data.step)
    const same = passthrough == null ? undefined : data.inputs[passthrough]
    // identity: the output is the input, by CID; no bytes to move
    if (same != null) return same

    await mkdir(this.init.workRoot, { recursive: true })
    const workDir = await mkdtemp(join(this.init.workRoot, `${cacheId.slice(0, 16)}-`))
    try {
      // the inputs of a multi-input step (SEQUENCE, LAYER, MUX...) are written out side by side; all
      // of them settle before the work dir can be removed
      const exported = await Promise.allSettled(data.inputs.map(async (cid, index): Promise<MediaFile> => {
        const path = join(workDir, `input-${index}`)
        await store.exportToFile(cid, path, { signal, timeoutMs: this.init.fetchTimeoutMs })
        return { path, cid }
      }))
      const files = exported.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value })
      onEvent({ type: 'step:running', cacheId, worker: this.init.workerId })
      const output = await executor.execute(data.step, files, {
        workDir,
        signal,
        onProgress: (fraction) => { onEvent({ type: 'step:progress', cacheId, fraction }) }
      })
      // the output's blocks stay out of the collector's reach from the first write to the pin
      const hold = store.hold()
      try {
        let cid: Cid
        if (output.kind === 'input') {
          const input = data.inputs[output.index]
          if (input == null) throw new Error(`step returned input ${output.index}, which does not exist`)
          cid = input
        } else {
          cid = (await store.addFile(output.path, { signal, hold })).cid
        }
        // the index (written with the announcement) points only at stored, pinned bytes
        await store.pin(cid, 'cache', { signal })
        return cid
      } finally {
        hold.release()
      }
    } finally {
      await rm(workDir, { recursive: true, force: true })
    }
  }
}

/**
 * A pool of BullMQ workers running step jobs through the StepRunner. A result goes into the cache index
 * and out on the event channel in one write, before BullMQ records the job finished; a failure goes out
 * once BullMQ has recorded it for good.
 */
export class StepWorkerPool {
  private worker?: Worker<StepJobData, StepJobResult>
  private readonly log: Logger
  /** aborts the running steps when stop() gives up waiting for them */
  private readonly abandon = new AbortController()
  private readonly running = new Set<Promise<unknown>>()
  /** job id -> the token of this worker's lock on it (the lease), while it runs */
  private readonly tokens = new Map<string, string>()

  constructor (readonly runner: StepRunner, private readonly components: Pick<StepRunnerComponents, 'channel' | 'cacheIndex'> & { redis: LeaseRedis },
    private readonly init: StepWorkerInit & { workerId: string }, logger: Logger) {
    this.log = logger.child({ component: 'exec:worker' })
  }

  async start (): Promise<void> {
    if (this.worker != null) return
    await this.runner.clearLeftovers()
    if (this.init.concurrency === 0) return
    this.worker = new Worker<StepJobData, StepJobResult>(STEP_QUEUE, async (job, token, signal) => {
      if (job.id != null && token != null) this.tokens.set(job.id, token)
      try {
        return await this.process(job, signal)
      } finally {
        if (job.id != null) this.tokens.delete(job.id)
      }
    }, {
      connection: this.init.connection,
      prefix: this.init.prefix,
      concurrency: this.init.concurrency,
      // kept on the job as it runs (processedBy): who holds the lease
      name: this.init.workerId,
      lockDuration: this.init.lockDurationMs,
      // renewed three times a lease: a slow Redis answer or a busy event loop does not lose it at once
      lockRenewTime: Math.max(1, Math.floor(this.init.lockDurationMs / 3)),
      stalledInterval: Math.max(1000, Math.floor(this.init.lockDurationMs / 2)),
      maxStalledCount: 5
    })
    let quietUntil = 0
    this.worker.on('error', (err) => {
      if (!isConnectionError(err)) {
        this.log.error({ err }, 'worker error')
        return
      }
      // BullMQ reports every failed reconnect attempt while Redis is away: say it once in a while
      if (Date.now() < quietUntil) return
      quietUntil = Date.now() + CONNECTION_ERROR_LOG_INTERVAL_MS
      this.log.warn({ err: err.message }, 'Redis is unreachable; the workers reconnect when it is back')
    })
    const worker = this.worker
    worker.on('lockRenewalFailed', (jobIds: string[]) => {
      for (const id of jobIds) {
        this.keepLease(worker, id).catch((err: unknown) => { this.log.warn({ err, jobId: id }, 'could not look at a step\'s lease') })
      }
    })
    this.worker.on('failed', (job, err) => {
      this.log.warn({ jobId: job?.id, err: err.message }, 'step job failed')
      if (job == null || err instanceof StepAbandonedError) return
      // told only when no attempt is left: a retry may still succeed
      if (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1)) {
        this.publish({ type: 'step:failed', cacheId: job.data.step.cacheId, error: err.message })
      }
    })
    await this.worker.waitUntilReady()
  }

  /**
   * A renewal came too late (a busy event loop, a slow Redis) and the lock lapsed: taken again when nobody
   * else took the step meanwhile; else this render stops, so only one copy of the step finishes.
   */
  private async keepLease (worker: Worker<StepJobData, StepJobResult>, jobId: string): Promise<void> {
    const token = this.tokens.get(jobId)
    if (token == null) return
    const key = `${this.init.prefix}:${STEP_QUEUE}:${jobId}:lock`
    const client = this.components.redis
    if (await client.set(key, token, 'PX', this.init.lockDurationMs, 'NX') === 'OK' || await client.get(key) === token) {
      this.log.warn({ jobId }, 'the step\'s lease lapsed while it ran; nobody took it, so it is held again')
      return
    }
    this.log.warn({ jobId }, 'the step\'s lease was taken by another worker while it ran; stopping it')
    worker.cancelJob(jobId, `the lease of step ${jobId} was lost while it ran`)
  }

  private publish (event: StepEvent): void {
    this.components.channel.publish(event).catch((err: unknown) => { this.log.debug({ err }, 'step event not published') })
  }

  private async process (job: Job<StepJobData, StepJobResult>, jobSignal?: AbortSignal): Promise<StepJobResult> {
    const signals = [AbortSignal.timeout(this.init.stepTimeoutMs), this.abandon.signal]
    if (jobSignal != null) signals.push(jobSignal)
    const signal = AbortSignal.any(signals)
    const obtained = this.runner.obtain(job.data, signal, (event) => { this.publish(event) })
    this.running.add(obtained)
    try {
      const result = await obtained
      const out = job.data.runId != null ? { ...result, runId: job.data.runId } : result
      // one write on one connection: the index entry, then the announcement (Redis runs them in order)
      await Promise.all([
        this.components.cacheIndex.set(out.cacheId, out.cid),
        this.components.channel.publish({ type: 'step:done', cacheId: out.cacheId, result: out })
      ])
      return out
    } catch (err) {
      // the job was taken from this worker (its lease lost): not a failure of the step
      if (jobSignal?.aborted === true) throw new StepAbandonedError(String(jobSignal.reason))
      if (isDeterministic(err)) throw new UnrecoverableError(err instanceof Error ? err.message : String(err))
      throw err
    } finally {
      this.running.delete(obtained)
    }
  }

  /**
   * Lets the running steps finish and closes BullMQ's connections, for at most `closeGraceMs`: a step
   * still running then (or a Redis that is away, which BullMQ's close would wait for) is abandoned. The
   * connections are dropped first, so BullMQ records nothing for the abandoned jobs: their locks lapse and
   * another worker takes them, as after a crash. Then their ffmpeg is killed and their work dirs removed.
   */
  async stop (): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    if (worker == null) return
    const closed = worker.close()
    closed.catch((err: unknown) => { this.log.warn({ err }, 'worker close failed') })
    if (await settlesWithin(closed, this.init.closeGraceMs ?? STEP_WORKER_CLOSE_GRACE_MS)) return
    this.log.warn({ running: this.running.size }, 'worker did not close in time; abandoning its steps')
    // dropped at once, not waited for: with Redis away the connections may never report their end
    worker.disconnect().catch((err: unknown) => { this.log.debug({ err }, 'worker disconnect failed') })
    this.abandon.abort(new StepAbandonedError('the worker stopped before the step finished'))
    await settlesWithin(Promise.allSettled(this.running), STEP_ABANDON_WAIT_MS)
  }
}

function isConnectionError (err: Error): boolean {
  const code = (err as NodeJS.ErrnoException).code
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ENOENT' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || err.message === 'Connection is closed.'
}

/** whether the promise settled within `ms` (it is left to settle, or not, afterwards) */
async function settlesWithin (promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<false>((resolve) => { timer = setTimeout(() => { resolve(false) }, ms) })
  try {
    return await Promise.race([promise.then(() => true, () => true), deadline])
  } finally {
    clearTimeout(timer)
  }
}

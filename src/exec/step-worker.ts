import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq'
import type { Logger } from '../util/index.js'
import { STEP_ABANDON_WAIT_MS, STEP_WORKER_CLOSE_GRACE_MS } from './constants.js'
import { isDeterministic, StepAbandonedError } from './errors.js'
import type { LocalResults } from './local-results.js'
import { STEP_QUEUE, type StepJobData, type StepJobResult } from './queue.js'
import type { StepRunner } from './run-step.js'

export interface StepWorkerInit {
  connection: ConnectionOptions
  prefix: string
  concurrency: number
  /** BullMQ lock = claim lease: a worker that dies loses the job as fast as it loses the claim */
  lockDurationMs: number
  stepTimeoutMs: number
  /** where results are handed to this process's orchestrator before BullMQ reports them */
  localResults?: LocalResults
  /** how long stop() lets running steps finish before it abandons them @default STEP_WORKER_CLOSE_GRACE_MS */
  closeGraceMs?: number
}

/** A pool of BullMQ workers running step jobs through the StepRunner */
export class StepWorkerPool {
  private worker?: Worker<StepJobData, StepJobResult>
  private readonly log: Logger
  /** aborts the running steps when stop() gives up waiting for them */
  private readonly abandon = new AbortController()
  private readonly running = new Set<Promise<unknown>>()

  constructor (readonly runner: StepRunner, private readonly init: StepWorkerInit, logger: Logger) {
    this.log = logger.child({ component: 'exec:worker' })
  }

  async start (): Promise<void> {
    if (this.worker != null) return
    await this.runner.clearLeftovers()
    if (this.init.concurrency === 0) return
    this.worker = new Worker<StepJobData, StepJobResult>(STEP_QUEUE, async (job, _token, signal) => await this.process(job, signal), {
      connection: this.init.connection,
      prefix: this.init.prefix,
      concurrency: this.init.concurrency,
      lockDuration: this.init.lockDurationMs,
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
    this.worker.on('failed', (job, err) => { this.log.warn({ jobId: job?.id, err: err.message }, 'step job failed') })
    await this.worker.waitUntilReady()
  }

  private async process (job: Job<StepJobData, StepJobResult>, jobSignal?: AbortSignal): Promise<StepJobResult> {
    const signals = [AbortSignal.timeout(this.init.stepTimeoutMs), this.abandon.signal]
    if (jobSignal != null) signals.push(jobSignal)
    const signal = AbortSignal.any(signals)
    const obtained = this.runner.obtain(job.data, {
        signal,
        onProgress: (progress) => {
          job.updateProgress(progress).catch((err: unknown) => { this.log.debug({ err }, 'progress update failed') })
        }
      })
    this.running.add(obtained)
    try {
      const result = await obtained
      const out = job.data.runId != null ? { ...result, runId: job.data.runId } : result
      this.init.localResults?.publish(out.cacheId, out)
      return out
    } catch (err) {
      if (isDeterministic(err)) {
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err))
      }
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

const CONNECTION_ERROR_LOG_INTERVAL_MS = 10_000

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

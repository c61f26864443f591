import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq'
import type { Logger } from '../util/logger.js'
import { isDeterministic } from './errors.js'
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
}

/** A pool of BullMQ workers running step jobs through the StepRunner */
export class StepWorkerPool {
  private worker?: Worker<StepJobData, StepJobResult>
  private readonly log: Logger

  constructor (readonly runner: StepRunner, private readonly init: StepWorkerInit, logger: Logger) {
    this.log = logger.child({ component: 'exec:worker' })
  }

  async start (): Promise<void> {
    if (this.worker != null || this.init.concurrency === 0) return
    this.worker = new Worker<StepJobData, StepJobResult>(STEP_QUEUE, async (job, _token, signal) => await this.process(job, signal), {
      connection: this.init.connection,
      prefix: this.init.prefix,
      concurrency: this.init.concurrency,
      lockDuration: this.init.lockDurationMs,
      stalledInterval: Math.max(1000, Math.floor(this.init.lockDurationMs / 2)),
      maxStalledCount: 5
    })
    this.worker.on('error', (err) => { this.log.error({ err }, 'worker error') })
    this.worker.on('failed', (job, err) => { this.log.warn({ jobId: job?.id, err: err.message }, 'step job failed') })
    await this.worker.waitUntilReady()
  }

  private async process (job: Job<StepJobData, StepJobResult>, jobSignal?: AbortSignal): Promise<StepJobResult> {
    const signals = [AbortSignal.timeout(this.init.stepTimeoutMs)]
    if (jobSignal != null) signals.push(jobSignal)
    const signal = AbortSignal.any(signals)
    try {
      const result = await this.runner.obtain(job.data, {
        signal,
        onProgress: (progress) => {
          job.updateProgress(progress).catch((err: unknown) => { this.log.debug({ err }, 'progress update failed') })
        }
      })
      const out = job.data.runId != null ? { ...result, runId: job.data.runId } : result
      this.init.localResults?.publish(out.cacheId, out)
      return out
    } catch (err) {
      if (isDeterministic(err)) {
        throw new UnrecoverableError(err instanceof Error ? err.message : String(err))
      }
      throw err
    }
  }

  async stop (): Promise<void> {
    const worker = this.worker
    this.worker = undefined
    await worker?.close()
  }
}

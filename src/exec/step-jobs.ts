import { Queue, QueueEvents, type ConnectionOptions } from 'bullmq'
import type { Cid, PlanId } from '../dag/index.js'
import type { PlanStep } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import { ExecutorStoppedError } from './errors.js'
import { fetchAll } from './fetch-all.js'
import { jobOutcome } from './job-outcome.js'
import type { LocalResults } from './local-results.js'
import type { CacheIndexPort, StorePort } from './ports.js'
import { STEP_QUEUE, type StepJobData, type StepJobProgress, type StepJobResult } from './queue.js'

export interface StepJobsComponents {
  cacheIndex: CacheIndexPort
  store: StorePort
  logger: Logger
  /** told about the progress of a job for each (run, step) waiting on it */
  onProgress(runId: PlanId, stepId: string, cacheId: PlanStep['cacheId'], progress: StepJobProgress): void
}

export interface StepJobsInit {
  connection: ConnectionOptions
  prefix: string
  fetchTimeoutMs: number
  /** attempts for transient step failures (deterministic ones are never retried) @default 3 */
  attempts?: number
  /**
   * the worker id of this process's own step workers: what they produce is pinned in this very store,
   * so a result they finished for this job needs no check that its bytes are here
   */
  localWorkerId?: string
  /** where this process's own workers hand over their results (with `localWorkerId`) */
  localResults?: LocalResults
}

/**
 * Plan steps as BullMQ jobs whose id is the step's cache id, so identical steps of concurrent runs share
 * one job; the result is brought into this node's store before it is handed back.
 */
export class StepJobs {
  private readonly log: Logger
  private queue?: Queue<StepJobData, StepJobResult>
  private queueEvents?: QueueEvents
  /** cache id -> the (run, step) pairs waiting on it, for progress fan-out */
  private readonly waiters = new Map<string, Set<{ runId: PlanId, stepId: string }>>()

  constructor (private readonly components: StepJobsComponents, private readonly init: StepJobsInit) {
    this.log = components.logger.child({ component: 'exec:jobs' })
  }

  get started (): boolean {
    return this.queue != null
  }

  async start (): Promise<void> {
    const opts = { connection: this.init.connection, prefix: this.init.prefix }
    this.queue = new Queue<StepJobData, StepJobResult>(STEP_QUEUE, opts)
    this.queueEvents = new QueueEvents(STEP_QUEUE, opts)
    this.queueEvents.on('progress', ({ jobId, data }) => { this.onJobProgress(jobId, data as StepJobProgress) })
    this.queueEvents.on('error', (err) => { this.log.error({ err }, 'queue events error') })
    // every step being waited on adds (and later removes) a listener to both: hundreds are normal
    this.queue.setMaxListeners(0)
    this.queueEvents.setMaxListeners(0)
    await Promise.all([this.queue.waitUntilReady(), this.queueEvents.waitUntilReady()])
  }

  async stop (): Promise<void> {
    await this.queueEvents?.close()
    await this.queue?.close()
    this.queue = undefined
    this.queueEvents = undefined
  }

  /** drops the kept job of a step (whose return value would otherwise answer a new job of the same id) */
  async forget (cacheId: PlanStep['cacheId']): Promise<void> {
    await this.queue?.remove(cacheId).catch(() => 0)
  }

  /** jobs waiting, delayed (retry backoff), prioritized or running */
  async depth (): Promise<number> {
    const counts = await this.queue?.getJobCounts('wait', 'active', 'delayed', 'prioritized') ?? {}
    return Object.values(counts).reduce((a, b) => a + b, 0)
  }

  /**
   * One step's result, local and pinned when this resolves. `here`: the step's result as the cache index
   * had it when the run started, its bytes found in this store then (a recomputation looks afresh).
   */
  async run (runId: PlanId, step: PlanStep, inputs: Cid[], signal: AbortSignal, here?: Cid, attempt = 0): Promise<StepJobResult> {
    const queue = this.queue
    const queueEvents = this.queueEvents
    if (queue == null || queueEvents == null) throw new ExecutorStoppedError('the orchestrator is not running')
    const waiter = { runId, stepId: step.id }
    const set = this.waiters.get(step.cacheId) ?? new Set()
    set.add(waiter)
    this.waiters.set(step.cacheId, set)
    try {
      // fast path: a result this node already holds needs no job at all
      const known = attempt === 0 ? here : await this.components.cacheIndex.get(step.cacheId)
      if (known != null && (attempt === 0 || await this.components.store.has(known))) {
        const now = new Date().toISOString()
        return { cacheId: step.cacheId, cid: known, source: 'local', worker: 'index', startedAt: now, finishedAt: now, durationMs: 0 }
      }
      const queuedAt = Date.now()
      const result = await this.finished(queue, queueEvents, runId, step, inputs, signal)
      try {
        // the result may live on a remote worker's node: bring it here (verified block by block) and keep it
        if (!this.producedHere(result, queuedAt) && !await this.components.store.has(result.cid)) {
          await fetchAll(this.components.store, result.cid, { signal, timeoutMs: this.init.fetchTimeoutMs })
          await this.components.store.pin(result.cid, 'cache', { signal })
        }
      } catch (err) {
        if (signal.aborted || attempt >= 2) throw err
        // a kept job result whose bytes are gone everywhere: compute it again
        this.log.warn({ cacheId: step.cacheId, cid: result.cid, err }, 'step result unavailable; recomputing')
        await queue.remove(step.cacheId).catch(() => 0)
        await this.components.cacheIndex.delete(step.cacheId)
        return await this.run(runId, step, inputs, signal, undefined, attempt + 1)
      }
      return result
    } finally {
      set.delete(waiter)
      if (set.size === 0) this.waiters.delete(step.cacheId)
    }
  }

  /**
   * Adds the step's job (or joins the job of the same id) and waits for its result: from this process's
   * own worker when it has it, else from BullMQ (a remote worker's result, a kept one, a failure)
   */
  private async finished (queue: Queue<StepJobData, StepJobResult>, queueEvents: QueueEvents, runId: PlanId, step: PlanStep,
    inputs: Cid[], signal: AbortSignal): Promise<StepJobResult> {
    // waiting starts before the job exists: a local worker may finish it before add() returns, and
    // BullMQ's report comes only to listeners already there
    const local = this.init.localResults?.wait(step.cacheId)
    const reported = jobOutcome(queue, queueEvents, step.cacheId)
    try {
      await queue.add(step.id, {
        step: { id: step.id, type: step.type, config: step.config, cacheId: step.cacheId, ...(step.effect != null ? { effect: step.effect } : {}) },
        inputs,
        runId
      }, {
        jobId: step.cacheId,
        attempts: this.init.attempts ?? 3,
        backoff: { type: 'exponential', delay: 500 },
        removeOnComplete: { age: 600, count: 5000 },
        removeOnFail: { age: 600, count: 5000 }
      })
      const fromQueue = reported.result.catch(async (err: unknown) => {
        // a failed job is kept briefly for its other waiters; the next submission must run it afresh
        await queue.remove(step.cacheId).catch(() => 0)
        throw err
      })
      // BullMQ's report may come after the local one: never an unhandled rejection then
      fromQueue.catch(() => {})
      const aborted = new Promise<never>((_resolve, reject) => {
        signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
      })
      aborted.catch(() => {})
      return await Promise.race(local != null ? [fromQueue, local.result, aborted] : [fromQueue, aborted])
    } finally {
      local?.cancel()
      reported.cancel()
    }
  }

  /**
   * Whether this process's workers produced (or fetched) the result for this very job, just now: its
   * bytes are pinned here. Not a result they only waited for, nor one kept from an older job of the
   * same id (its bytes may have been deleted since).
   */
  private producedHere (result: StepJobResult, queuedAt: number): boolean {
    return this.init.localWorkerId != null && result.worker === this.init.localWorkerId && result.source !== 'claim' &&
      Date.parse(result.finishedAt) >= queuedAt
  }

  private onJobProgress (jobId: string, progress: StepJobProgress): void {
    for (const { runId, stepId } of this.waiters.get(jobId) ?? []) {
      this.components.onProgress(runId, stepId, jobId as PlanStep['cacheId'], progress)
    }
  }
}

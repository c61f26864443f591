import { Queue, type ConnectionOptions } from 'bullmq'
import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { PlanStep } from '../dag/index.js'
import type { StepSpec } from '../effects/index.js'
import type { Logger } from '../util/index.js'
import { ExecutorStoppedError } from './errors.js'
import type { EventChannel, StepEvent } from './events.js'
import type { CacheIndexPort, StorePort } from './ports.js'

export const STEP_QUEUE = 'steps'

/** Data of one step job; the job id is the step's cache id, so identical steps share one job */
export interface StepJobData {
  step: StepSpec
  /** upstream output CIDs, in the step's input order */
  inputs: Cid[]
  /** the run that created the job; other runs sharing the step see its result as cached */
  runId?: PlanId
}

/** Return value of a step job, and what its `step:done` event carries */
export interface StepJobResult {
  cacheId: CacheId
  cid: Cid
  /** how the result was had: rendered, fetched from a peer, or (no job) found in this node's index */
  source: 'executed' | 'peer' | 'local'
  worker: string
  /** the run whose job produced the result (copied from the job data) */
  runId?: PlanId
  /** when the worker took the step up (not when it was queued) */
  startedAt: string
  finishedAt: string
  /** finishedAt - startedAt: the worker's time on the step, without its wait in the queue */
  durationMs: number
}

/** the first look at a job's state when no event came for it; doubled up to OUTCOME_CHECK_MAX_MS */
const OUTCOME_CHECK_MS = 50
const OUTCOME_CHECK_MAX_MS = 30_000

export interface StepJobsComponents {
  store: StorePort
  cacheIndex: Pick<CacheIndexPort, 'delete'>
  channel: Pick<EventChannel, 'on'>
  logger: Logger
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
}

/**
 * Plan steps as BullMQ jobs whose id is the step's cache id, so identical steps of concurrent runs share
 * one job (BullMQ's job lock is the step's lease). Results come back on the event channel; the result is
 * brought into this node's store before it is handed back.
 */
export class StepJobs {
  private readonly log: Logger
  private queue?: Queue<StepJobData, StepJobResult>

  constructor (private readonly components: StepJobsComponents, private readonly init: StepJobsInit) {
    this.log = components.logger.child({ component: 'exec:jobs' })
  }

  get started (): boolean {
    return this.queue != null
  }

  async start (): Promise<void> {
    this.queue = new Queue<StepJobData, StepJobResult>(STEP_QUEUE, { connection: this.init.connection, prefix: this.init.prefix })
    this.queue.on('error', (err) => { this.log.error({ err }, 'queue error') })
    await this.queue.waitUntilReady()
  }

  async stop (): Promise<void> {
    await this.queue?.close()
    this.queue = undefined
  }

  /** drops the kept job of a step (whose return value would otherwise answer a new job of the same id) */
  async forget (cacheId: CacheId): Promise<void> {
    await this.queue?.remove(cacheId).catch(() => 0)
  }

  /** jobs waiting, delayed (retry backoff), prioritized or running */
  async depth (): Promise<number> {
    const counts = await this.queue?.getJobCounts('wait', 'active', 'delayed', 'prioritized') ?? {}
    return Object.values(counts).reduce((a, b) => a + b, 0)
  }

  /** the worker that holds the step's job lock (its lease) right now */
  async owner (cacheId: CacheId): Promise<string | undefined> {
    const job = await this.queue?.getJob(cacheId)
    if (job == null || !await job.isActive()) return undefined
    return job.processedBy
  }

  /**
   * One step's result, local and pinned when this resolves. `here`: the step's result as the cache index
   * had it when the run started, its bytes found in this store then. `onEvent` hears the job's progress.
   */
  async run (runId: PlanId, step: PlanStep, inputs: Cid[], signal: AbortSignal, onEvent: (event: StepEvent) => void,
    here?: Cid, attempt = 0): Promise<StepJobResult> {
    if (here != null) {
      const now = new Date().toISOString()
      return { cacheId: step.cacheId, cid: here, source: 'local', worker: 'index', startedAt: now, finishedAt: now, durationMs: 0 }
    }
    const queuedAt = Date.now()
    const result = await this.finished(runId, step, inputs, signal, onEvent)
    try {
      // the result may live on a remote worker's node: bring it here (verified block by block) and keep it
      if (!this.producedHere(result, queuedAt) && !await this.components.store.has(result.cid)) {
        for await (const chunk of this.components.store.get(result.cid, { signal, timeoutMs: this.init.fetchTimeoutMs })) void chunk
        await this.components.store.pin(result.cid, 'cache', { signal })
      }
    } catch (err) {
      if (signal.aborted || attempt >= 2) throw err
      // a kept job result whose bytes are gone everywhere: compute it again
      this.log.warn({ cacheId: step.cacheId, cid: result.cid, err }, 'step result unavailable; recomputing')
      await this.forget(step.cacheId)
      await this.components.cacheIndex.delete(step.cacheId)
      return await this.run(runId, step, inputs, signal, onEvent, undefined, attempt + 1)
    }
    return result
  }

  /**
   * Adds the step's job (or joins the job of the same id) and waits for its `step:done` or `step:failed`
   * event. Listening starts before the add, so a worker that finishes at once is heard. A job that existed
   * already may have finished before that; it, and a job BullMQ failed on its own (stalled too often), is
   * found by a look at its state, soon after the add and then less and less often.
   */
  private async finished (runId: PlanId, step: PlanStep, inputs: Cid[], signal: AbortSignal,
    onEvent: (event: StepEvent) => void): Promise<StepJobResult> {
    const queue = this.queue
    if (queue == null) throw new ExecutorStoppedError('the orchestrator is not running')
    signal.throwIfAborted()
    let settle!: { resolve: (r: StepJobResult) => void, reject: (err: unknown) => void }
    const outcome = new Promise<StepJobResult>((resolve, reject) => { settle = { resolve, reject } })
    // an abort while the add is under way settles it before anything awaits it (or, when the add fails, nothing ever does)
    outcome.catch(() => {})
    const unlisten = this.components.channel.on(step.cacheId, (event) => {
      if (!('cacheId' in event) || 'runId' in event) return
      const stepEvent = event as StepEvent
      if (stepEvent.type === 'step:done') settle.resolve(stepEvent.result)
      else if (stepEvent.type === 'step:failed') settle.reject(new Error(stepEvent.error))
      else onEvent(stepEvent)
    })
    const onAbort = (): void => { settle.reject(signal.reason) }
    signal.addEventListener('abort', onAbort, { once: true })
    let timer: NodeJS.Timeout | undefined
    let checkMs = OUTCOME_CHECK_MS
    const check = (): void => {
      timer = setTimeout(() => {
        readOutcome(queue, step.cacheId).then((found) => {
          if (found == null) return
          if ('value' in found) settle.resolve(found.value)
          else settle.reject(found.error)
        }, () => { /* the next look may answer */ })
        checkMs = Math.min(checkMs * 2, OUTCOME_CHECK_MAX_MS)
        check()
      }, checkMs)
      timer.unref()
    }
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
      check()
      return await outcome
    } catch (err) {
      // a failed job is kept briefly; the next submission must run it afresh
      if (!signal.aborted) await this.forget(step.cacheId)
      throw err
    } finally {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      unlisten()
    }
  }

  /**
   * Whether this process's workers produced (or fetched) the result for this very job, just now: its
   * bytes are pinned here. Not one kept from an older job of the same id (its bytes may have been deleted since).
   */
  private producedHere (result: StepJobResult, queuedAt: number): boolean {
    return this.init.localWorkerId != null && result.worker === this.init.localWorkerId && Date.parse(result.finishedAt) >= queuedAt
  }
}

/** a finished job's outcome; undefined while it is waiting, running or retrying */
async function readOutcome (queue: Queue<StepJobData, StepJobResult>, jobId: string): Promise<{ value: StepJobResult } | { error: Error } | undefined> {
  const job = await queue.getJob(jobId)
  if (job == null) return undefined
  const state = await job.getState()
  if (state === 'completed') return { value: job.returnvalue }
  if (state === 'failed') return { error: new Error(job.failedReason) }
  return undefined
}

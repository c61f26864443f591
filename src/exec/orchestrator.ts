import { EventEmitter } from 'node:events'
import type { Cid, PlanId } from '../dag/index.js'
import type { Plan, PlanStep } from '../dag/index.js'
import { FINAL_RUN_STATUSES } from '../state/index.js'
import type { RunRecord, StepRecord } from '../state/index.js'
import type { Logger } from '../util/index.js'
import { ExecutorStoppedError, RunNotFoundError, RunStateError, StepFailedError } from './errors.js'
import type { RenderEvent } from './events.js'
import type { CacheIndexPort, ContentRefsPort, PlanStorePort, RunStorePort, StorePort } from './ports.js'
import { prepareCompletion } from './completion.js'
import { FinalWaiters } from './final-waiters.js'
import type { SoftwareInfo } from './provenance.js'
import type { StepJobProgress } from './queue.js'
import { RunDriver } from './run-driver.js'
import { StepJobs, type StepJobsInit } from './step-jobs.js'
import { StepRecordWriter } from './step-records.js'

export interface OrchestratorComponents {
  runs: RunStorePort
  plans: PlanStorePort
  cacheIndex: CacheIndexPort
  store: StorePort
  contentRefs: ContentRefsPort
  logger: Logger
}

export interface OrchestratorInit extends StepJobsInit {
  software: SoftwareInfo
}

export interface SubmitMeta {
  recipeName?: string
  recipeId?: RunRecord['recipeId']
  outputName?: string
  user?: string
}

/**
 * Drives runs: every step starts as soon as its own inputs are ready. Steps are BullMQ jobs (StepJobs)
 * shared by identical steps of concurrent runs; the workers' claims make sure no two of them compute
 * the same thing even across nodes.
 */
export class Orchestrator {
  readonly events = new EventEmitter<{ event: [RenderEvent] }>()
  private readonly log: Logger
  private readonly jobs: StepJobs
  private readonly active = new Map<PlanId, { controller: AbortController, done: Promise<void>, records: StepRecordWriter }>()
  private stopped = false
  /** waitFor calls of this process, told the record of a run's final write */
  private readonly finalWaiters = new FinalWaiters()

  constructor (private readonly components: OrchestratorComponents, private readonly init: OrchestratorInit) {
    this.log = components.logger.child({ component: 'exec:orchestrator' })
    this.jobs = new StepJobs({
      cacheIndex: components.cacheIndex,
      store: components.store,
      logger: components.logger,
      onProgress: (runId, stepId, cacheId, progress) => { this.onJobProgress(runId, stepId, cacheId, progress) }
    }, init)
  }

  async start (): Promise<void> {
    await this.jobs.start()
    this.stopped = false
  }

  /** runs left pending or running by a previous process are driven again */
  async resumeInterrupted (): Promise<number> {
    let resumed = 0
    for (const status of ['pending', 'planning', 'running'] as const) {
      const interrupted: RunRecord[] = []
      for (let offset = 0; ; offset += 1000) {
        const page = await this.components.runs.list({ status, offset, limit: 1000 })
        interrupted.push(...page.items)
        if (page.items.length < 1000) break
      }
      for (const run of interrupted) {
        const plan = await this.components.plans.getPlan(run.id)
        if (plan == null) {
          await this.finish(run.id, 'failed', 'the run was interrupted and its plan is gone')
          continue
        }
        this.log.info({ runId: run.id }, 'resuming interrupted run')
        this.drive(plan)
        resumed++
      }
    }
    return resumed
  }

  /** Starts a run for a plan, or returns the existing run of the same id (same recipe + inputs) */
  async submit (plan: Plan, meta: SubmitMeta = {}): Promise<RunRecord> {
    if (this.stopped || !this.jobs.started) throw new ExecutorStoppedError('the orchestrator is not running')
    const now = new Date().toISOString()
    const fresh: RunRecord = {
      id: plan.id,
      status: 'pending',
      recipeId: meta.recipeId,
      recipeName: meta.recipeName ?? plan.recipeName,
      inputs: plan.inputs.map((i) => ({ name: i.name, cid: i.cid })),
      outputName: meta.outputName,
      steps: plan.steps.map((s): StepRecord => ({
        id: s.id, type: s.type, cacheId: s.cacheId, status: 'pending',
        ...(s.effect != null ? { effect: { name: s.effect.name, version: s.effect.version } } : {})
      })),
      user: meta.user,
      createdAt: now,
      updatedAt: now
    }
    // sent together (one round trip): the plan is in place before anything can resume the run
    const [, { created, run }] = await Promise.all([this.components.plans.putPlan(plan), this.components.runs.create(fresh)])
    if (!created) {
      const retry = (run.status === 'failed' || run.status === 'cancelled') && !this.active.has(run.id)
      if (!retry) return run
      await this.components.runs.update(run.id, () => ({ ...fresh, createdAt: run.createdAt }))
      this.drive(plan)
      return (await this.components.runs.get(plan.id)) ?? fresh
    }
    this.drive(plan)
    return fresh
  }

  /** Resolves when the run reaches a final status */
  async waitFor (id: PlanId, options: { signal?: AbortSignal } = {}): Promise<RunRecord> {
    for (;;) {
      options.signal?.throwIfAborted()
      // listening starts before the read, so a run that finishes in between is not missed
      const final = this.finalWaiters.next(id, 1000, options.signal)
      try {
        const run = await this.components.runs.get(id)
        if (run == null) throw new RunNotFoundError(`run ${id} not found`)
        if (FINAL_RUN_STATUSES.has(run.status)) return run
        // the record as the final write stored it; after a silence (another process finished it), read again
        const finished = await final.record
        if (finished != null) return finished
      } finally {
        final.cancel()
      }
    }
  }

  async cancel (id: PlanId): Promise<RunRecord> {
    const run = await this.components.runs.get(id)
    if (run == null) throw new RunNotFoundError(`run ${id} not found`)
    if (run.status === 'completed' || run.status === 'failed') {
      throw new RunStateError(`run ${id} is already ${run.status}`)
    }
    this.active.get(id)?.controller.abort(new RunStateError('cancelled'))
    return await this.finish(id, 'cancelled', 'cancelled by a user') ?? run
  }

  /**
   * Forgets a step's result so the next run computes it again: the index entry and the kept job
   * (whose return value would otherwise answer a new job of the same id). Used when content is deleted.
   */
  async forgetStep (cacheId: PlanStep['cacheId']): Promise<void> {
    await this.components.cacheIndex.delete(cacheId)
    await this.jobs.forget(cacheId)
  }

  /** step jobs waiting, delayed (retry backoff), prioritized or running, for /metrics */
  async queueDepth (): Promise<number> {
    return await this.jobs.depth()
  }

  isActive (id: PlanId): boolean {
    return this.active.has(id)
  }

  private drive (plan: Plan): void {
    if (this.active.has(plan.id)) return
    const controller = new AbortController()
    const records = new StepRecordWriter(this.components.runs, plan.id, { steps: plan.steps.length })
    // the results this node holds for the run's steps: looked up as the run starts, while its sources
    // are checked; a step waits for the answer before it queues a job
    let known: Promise<Map<string, Cid>> | undefined
    const driver = new RunDriver(plan, {
      signal: controller.signal,
      runStep: async (step, inputs, signal) => await this.jobs.run(plan.id, step, inputs, signal, (await known)?.get(step.cacheId)),
      checkSource: async (cid, signal) => { await this.checkSource(cid, signal) },
      onStep: async (stepId, patch) => { await this.updateStep(plan.id, stepId, patch) }
    })
    const done = (async () => {
      const running = this.setStatus(plan.id, 'running')
      running.catch(() => {})
      known = this.cachedResults(plan)
      known.catch(() => {})
      try {
        const outputs = await driver.run()
        // the final status is written after "running", never overwritten by it
        await running
        await this.complete(plan, outputs, records)
      } catch (err) {
        await running.catch(() => {})
        if (controller.signal.aborted) return
        const message = err instanceof StepFailedError || err instanceof Error ? err.message : String(err)
        await this.finish(plan.id, 'failed', message)
      }
    })().catch((err: unknown) => { this.log.error({ err, runId: plan.id }, 'run driver crashed') })
      .finally(() => { this.active.delete(plan.id) })
    this.active.set(plan.id, { controller, done, records })
  }

  /**
   * The steps whose results this node already holds, when the run starts: the cache index entries of every
   * step in one read, then whether their bytes are here, one lookup per distinct CID, all at once. Such a
   * step needs no job (the per-step fast path).
   */
  private async cachedResults (plan: Plan): Promise<Map<PlanStep['cacheId'], Cid>> {
    const steps = plan.steps.filter((s) => s.type !== 'SOURCE')
    const known = await this.components.cacheIndex.getMany(steps.map((s) => s.cacheId))
    const distinct = [...new Set(known.filter((cid): cid is Cid => cid != null))]
    const here = new Set(await Promise.all(distinct.map(async (cid) => await this.components.store.has(cid) ? cid : undefined)))
    return new Map(steps.flatMap((s, i) => { const cid = known[i]; return cid != null && here.has(cid) ? [[s.cacheId, cid] as const] : [] }))
  }

  /**
   * A source is usable when its root block can be had (here or from peers, verified) and is a file:
   * a zero-length read checks exactly that, without stat's walk over every block of the DAG
   */
  private async checkSource (cid: Cid, signal: AbortSignal): Promise<void> {
    for await (const chunk of this.components.store.get(cid, { signal, timeoutMs: this.init.fetchTimeoutMs, length: 0 })) void chunk
  }

  private onJobProgress (runId: PlanId, stepId: string, cacheId: PlanStep['cacheId'], progress: StepJobProgress): void {
    if (progress.phase === 'progress') {
      this.emit({ type: 'render:step:progress', runId, stepId, cacheId, fraction: progress.fraction })
    } else if (progress.phase === 'claimed' || progress.phase === 'running') {
      this.updateStep(runId, stepId, { status: progress.phase, worker: progress.worker })
        .catch((err: unknown) => { this.log.warn({ err }, 'step status update failed') })
    }
  }

  private async complete (plan: Plan, outputs: Map<string, Cid>, records: StepRecordWriter): Promise<void> {
    const { store, contentRefs, runs } = this.components
    // every step's record is written by now: the last write's answer is the run, with no read
    const run = async (): Promise<RunRecord | undefined> => records.latest ?? await runs.get(plan.id)
    const patch = await prepareCompletion({ store, contentRefs, run, software: this.init.software }, plan, outputs)
    if (patch == null) return
    // output, provenance and the final status land in one write: a reader never sees a half-finished run
    await this.finish(plan.id, 'completed', undefined, patch)
  }

  private async updateStep (runId: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<void> {
    const records = this.active.get(runId)?.records
    const step = records != null
      ? await records.patch(stepId, patch)
      : (await this.components.runs.updateStep(runId, stepId, patch))?.steps.find((s) => s.id === stepId)
    if (step == null) return
    this.emit({
      type: 'render:step:status', runId, stepId, cacheId: step.cacheId, status: step.status, cid: step.cid, error: step.error,
      ...(step.source != null ? { source: step.source } : {})
    })
  }

  private async setStatus (id: PlanId, status: RunRecord['status']): Promise<void> {
    await this.components.runs.update(id, (r) => ({ ...r, status, updatedAt: new Date().toISOString() }))
    this.emit({ type: 'render:run:status', runId: id, status })
  }

  private async finish (id: PlanId, status: 'completed' | 'failed' | 'cancelled', error?: string, patch: Partial<RunRecord> = {}): Promise<RunRecord | undefined> {
    const now = new Date().toISOString()
    const run = await this.components.runs.update(id, (r) => ({
      ...r, ...patch, status, updatedAt: now, finishedAt: patch.finishedAt ?? r.finishedAt ?? now, ...(error != null ? { error } : {})
    }))
    this.emit({ type: 'render:run:status', runId: id, status, error, outputCid: run?.outputCid })
    if (run != null && FINAL_RUN_STATUSES.has(run.status)) this.finalWaiters.tell(run)
    return run
  }

  private emit (event: RenderEvent): void {
    this.events.emit('event', event)
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const { controller } of this.active.values()) controller.abort(new ExecutorStoppedError('node stopping'))
    await Promise.allSettled([...this.active.values()].map(async (a) => await a.done))
    await this.jobs.stop()
  }
}

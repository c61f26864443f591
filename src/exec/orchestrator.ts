import type { Cid, PlanId } from '../dag/index.js'
import type { Plan, PlanStep } from '../dag/index.js'
import { FINAL_RUN_STATUSES, FINAL_STEP_STATUSES } from '../state/index.js'
import type { RunRecord, RunStatus, StepRecord } from '../state/index.js'
import type { Logger } from '../util/index.js'
import { prepareCompletion, type SoftwareInfo } from './completion.js'
import { ExecutorStoppedError, RunNotFoundError, RunStateError } from './errors.js'
import type { EventChannel, RenderEvent, StepEvent } from './events.js'
import type { CacheIndexPort, ContentRefsPort, OutputsPort, PlanStorePort, RunStorePort, StorePort } from './ports.js'
import { RunDriver } from './run-driver.js'
import { StepJobs, type StepJobsInit } from './step-jobs.js'

export interface OrchestratorComponents {
  runs: RunStorePort
  plans: PlanStorePort
  cacheIndex: CacheIndexPort
  store: StorePort
  contentRefs: ContentRefsPort
  /** lists a completed run's output in the content library (GET /cache) */
  outputs: OutputsPort
  channel: EventChannel
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

/** A submission's answer: the run, and whether this submission created it (decided atomically in Redis) */
export interface Submitted {
  run: RunRecord
  created: boolean
}

/**
 * Drives runs: every step starts as soon as its own inputs are ready. Steps are BullMQ jobs (StepJobs)
 * shared by identical steps of concurrent runs. Every change of a run is written to its record and told on
 * the event channel, where SSE streams, metrics and `waitFor` hear it.
 */
export class Orchestrator {
  private readonly log: Logger
  private readonly jobs: StepJobs
  private readonly active = new Map<PlanId, { controller: AbortController, done: Promise<void> }>()
  private stopped = false

  constructor (private readonly components: OrchestratorComponents, private readonly init: OrchestratorInit) {
    this.log = components.logger.child({ component: 'exec:orchestrator' })
    this.jobs = new StepJobs({ cacheIndex: components.cacheIndex, store: components.store, channel: components.channel, logger: components.logger }, init)
  }

  /** the event channel: a run's events by its id, or every event */
  get events (): Pick<EventChannel, 'on' | 'onAll'> {
    return this.components.channel
  }

  async start (): Promise<void> {
    await this.components.channel.start()
    await this.jobs.start()
    this.stopped = false
  }

  /** runs left pending or running by a previous process are driven again */
  async resumeInterrupted (): Promise<number> {
    let resumed = 0
    for (const status of ['pending', 'running'] as const) {
      const interrupted: RunRecord[] = []
      for (let offset = 0; ; offset += 1000) {
        const page = await this.components.runs.list({ status, offset, limit: 1000 })
        interrupted.push(...page.items)
        if (page.items.length < 1000) break
      }
      for (const run of interrupted) {
        const plan = await this.components.plans.getPlan(run.id)
        if (plan == null) {
          await this.finish(run.id, 'failed', { error: 'the run was interrupted and its plan is gone' })
          continue
        }
        this.log.info({ runId: run.id }, 'resuming interrupted run')
        this.drive(plan)
        resumed++
      }
    }
    return resumed
  }

  /** Starts a run for a plan, or answers with the existing run of the same id (same recipe + inputs) */
  async submit (plan: Plan, meta: SubmitMeta = {}): Promise<Submitted> {
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
    if (created) {
      this.drive(plan)
      return { run: fresh, created }
    }
    // a failed or cancelled run is tried again (unless this process still winds it down)
    if ((run.status === 'failed' || run.status === 'cancelled') && !this.active.has(run.id)) {
      const again = { ...fresh, createdAt: run.createdAt }
      if (await this.components.runs.restart(again)) {
        this.drive(plan)
        return { run: again, created: false }
      }
    }
    return { run, created: false }
  }

  /** Resolves when the run reaches a final status (listening starts before the read, so nothing is missed) */
  async waitFor (id: PlanId, options: { signal?: AbortSignal } = {}): Promise<RunRecord> {
    options.signal?.throwIfAborted()
    let wake!: () => void
    let woken = new Promise<void>((resolve) => { wake = resolve })
    const unlisten = this.components.channel.on(id, (event) => {
      if (event.type === 'render:run:status' && FINAL_RUN_STATUSES.has(event.status)) wake()
    })
    const onAbort = (): void => { wake() }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      for (;;) {
        options.signal?.throwIfAborted()
        const run = await this.components.runs.get(id)
        if (run == null) throw new RunNotFoundError(`run ${id} not found`)
        if (FINAL_RUN_STATUSES.has(run.status)) return run
        await woken
        woken = new Promise<void>((resolve) => { wake = resolve })
      }
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
      unlisten()
    }
  }

  /** Cancels a pending or running run: its steps stop, and those not finished are marked cancelled */
  async cancel (id: PlanId): Promise<RunRecord> {
    const run = await this.components.runs.get(id)
    if (run == null) throw new RunNotFoundError(`run ${id} not found`)
    if (run.status === 'completed' || run.status === 'failed') {
      throw new RunStateError(`run ${id} is already ${run.status}`)
    }
    const active = this.active.get(id)
    active?.controller.abort(new RunStateError('cancelled'))
    // the driver stops first, so no step change of it lands after the ones below
    await active?.done
    await this.finish(id, 'cancelled', { error: 'cancelled by a user' }, ['pending', 'running', 'cancelled'])
    const finishedAt = new Date().toISOString()
    await Promise.all(run.steps.map(async (step) => {
      if (!FINAL_STEP_STATUSES.has(step.status)) await this.updateStep(id, step.id, { status: 'cancelled', finishedAt })
    }))
    return (await this.components.runs.get(id)) ?? run
  }

  /**
   * Forgets a step's result so the next run computes it again: the index entry and the kept job
   * (whose return value would otherwise answer a new job of the same id). Used when content is deleted.
   */
  async forgetStep (cacheId: PlanStep['cacheId']): Promise<void> {
    await this.components.cacheIndex.delete(cacheId)
    await this.jobs.forget(cacheId)
  }

  /** the worker that holds a step's lease (its job's lock) right now */
  async stepOwner (cacheId: PlanStep['cacheId']): Promise<string | undefined> {
    return await this.jobs.owner(cacheId)
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
    // the results this node holds for the run's steps: looked up once as the run starts, while its
    // sources are checked; a step waits for the answer before it queues a job
    let known: Promise<Map<string, Cid>> | undefined
    const driver = new RunDriver(plan, {
      signal: controller.signal,
      runStep: async (step, inputs, signal) => await this.jobs.run(plan.id, step, inputs, signal,
        (event) => { this.onStepEvent(plan.id, step, event) }, (await known)?.get(step.cacheId)),
      checkSource: async (cid, signal) => { await this.checkSource(cid, signal) },
      onStep: async (stepId, patch) => { await this.updateStep(plan.id, stepId, patch) }
    })
    const done = (async () => {
      const running = this.setRunning(plan.id)
      running.catch(() => {})
      known = this.cachedResults(plan)
      known.catch(() => {})
      try {
        const outputs = await driver.run()
        // the final status is written after "running", never overwritten by it
        await running
        await this.complete(plan, outputs)
      } catch (err) {
        await running.catch(() => {})
        if (controller.signal.aborted) return
        await this.finish(plan.id, 'failed', { error: err instanceof Error ? err.message : String(err) })
      }
    })().catch((err: unknown) => { this.log.error({ err, runId: plan.id }, 'run driver crashed') })
      .finally(() => { this.active.delete(plan.id) })
    this.active.set(plan.id, { controller, done })
  }

  /**
   * The steps whose results this node already holds, when the run starts: the cache index entries of every
   * step in one read (the one look at the index a step gets), then whether their bytes are here, one lookup
   * per distinct CID, all at once. Such a step needs no job.
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

  private onStepEvent (runId: PlanId, step: PlanStep, event: StepEvent): void {
    if (event.type === 'step:progress') {
      this.emit({ type: 'render:step:progress', runId, stepId: step.id, cacheId: step.cacheId, fraction: event.fraction })
    } else if (event.type === 'step:running') {
      this.updateStep(runId, step.id, { status: 'running', worker: event.worker })
        .catch((err: unknown) => { this.log.warn({ err }, 'step status update failed') })
    }
  }

  private async complete (plan: Plan, outputs: Map<string, Cid>): Promise<void> {
    const { store, contentRefs, runs } = this.components
    const outputCid = outputs.get(plan.outputStep)
    if (outputCid == null) return
    // every step's record is written by now: one read serves the provenance record and the listing,
    // and the pins (which need no record) start while it is under way
    const run = runs.get(plan.id)
    const [patch, listed] = await Promise.all([
      prepareCompletion({ store, contentRefs, run: async () => await run, software: this.init.software }, plan, outputs),
      // listed before the run says completed: whoever sees it completed finds its output in GET /cache
      run.then(async (record) => {
        if (record == null) return false
        await this.components.outputs.recordOutput({ ...record, outputCid })
        return true
      })
    ])
    if (patch == null || !listed) return
    // output, provenance and the final status land in one write: a reader never sees a half-finished run
    await this.finish(plan.id, 'completed', patch)
  }

  private async updateStep (runId: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<void> {
    const step = await this.components.runs.updateStep(runId, stepId, patch)
    if (step == null) return
    this.emit({
      type: 'render:step:status', runId, stepId, cacheId: step.cacheId, status: step.status, cid: step.cid, error: step.error,
      ...(step.source != null ? { source: step.source } : {})
    })
  }

  private async setRunning (id: PlanId): Promise<void> {
    if (await this.components.runs.update(id, { status: 'running' }, { from: ['pending', 'running'] })) {
      this.emit({ type: 'render:run:status', runId: id, status: 'running' })
    }
  }

  /** writes a final status (only over a run that is not final yet, or is the same status) and tells it */
  private async finish (id: PlanId, status: 'completed' | 'failed' | 'cancelled', patch: { error?: string, outputCid?: Cid, provenanceCid?: Cid, finishedAt?: string } = {},
    from: readonly RunStatus[] = ['pending', 'running']): Promise<void> {
    const finishedAt = patch.finishedAt ?? new Date().toISOString()
    if (!await this.components.runs.update(id, { ...patch, status, finishedAt }, { from })) return
    this.emit({ type: 'render:run:status', runId: id, status, ...(patch.error != null ? { error: patch.error } : {}), ...(patch.outputCid != null ? { outputCid: patch.outputCid } : {}) })
  }

  private emit (event: RenderEvent): void {
    this.components.channel.publish(event).catch((err: unknown) => { this.log.warn({ err }, 'run event not published') })
  }

  async stop (): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    for (const { controller } of this.active.values()) controller.abort(new ExecutorStoppedError('node stopping'))
    await Promise.allSettled([...this.active.values()].map(async (a) => await a.done))
    await this.jobs.stop()
    await this.components.channel.stop()
  }
}

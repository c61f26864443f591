import type { Cid } from '../dag/index.js'
import type { Plan, PlanStep } from '../dag/index.js'
import type { StepRecord } from '../state/index.js'
import { InputUnavailableError, StepFailedError } from './errors.js'
import type { StepJobResult } from './step-jobs.js'

export interface RunDriverHooks {
  signal: AbortSignal
  /** obtains one step's result (a queued job); inputs are the upstream CIDs in order */
  runStep(step: PlanStep, inputs: Cid[], signal: AbortSignal): Promise<StepJobResult>
  /** throws when a source CID is available neither here nor from peers */
  checkSource(cid: Cid, signal: AbortSignal): Promise<void>
  onStep(stepId: string, patch: Partial<StepRecord>): Promise<void>
}

/**
 * Runs the steps of one plan as a ready-queue: each step starts as soon as its own inputs are done
 * (no level barriers). The first failure aborts the others and fails the run with that step's error.
 */
export class RunDriver {
  private readonly outputs = new Map<string, Cid>()
  private readonly started = new Set<string>()
  private readonly dependents = new Map<string, PlanStep[]>()
  private readonly controller = new AbortController()

  constructor (private readonly plan: Plan, private readonly hooks: RunDriverHooks) {
    for (const step of plan.steps) {
      for (const input of step.inputs) {
        const list = this.dependents.get(input) ?? []
        list.push(step)
        this.dependents.set(input, list)
      }
    }
  }

  /** Resolves with every step's output CID, keyed by step id */
  async run (): Promise<Map<string, Cid>> {
    const signal = AbortSignal.any([this.hooks.signal, this.controller.signal])
    signal.throwIfAborted()
    let failure: unknown
    const running = new Set<Promise<void>>()
    const launch = (step: PlanStep): void => {
      this.started.add(step.id)
      // dependents start as soon as the output is known; the step's record is written meanwhile
      const ready = (): void => {
        if (signal.aborted) return
        for (const next of this.dependents.get(step.id) ?? []) {
          if (!this.started.has(next.id) && next.inputs.every((i) => this.outputs.has(i))) launch(next)
        }
      }
      const task = this.runOne(step, signal, ready)
        .catch((err: unknown) => {
          failure ??= err
          this.controller.abort(err)
        })
        .finally(() => { running.delete(task) })
      running.add(task)
    }
    for (const step of this.plan.steps) {
      if (step.inputs.length === 0) launch(step)
    }
    while (running.size > 0) await Promise.race(running)
    if (failure != null) throw failure instanceof Error ? failure : new Error(String(failure))
    this.hooks.signal.throwIfAborted()
    if (this.outputs.size !== this.plan.steps.length) {
      throw new Error(`plan ${this.plan.id} has steps that can never start`)
    }
    return this.outputs
  }

  private async runOne (step: PlanStep, signal: AbortSignal, ready: () => void): Promise<void> {
    // the step's inputs are ready and its job is queued now; a worker starts it when one is free
    const queuedAt = new Date().toISOString()
    if (step.type === 'SOURCE') {
      if (step.cid == null) throw new StepFailedError(step.id, 'source step has no CID')
      try {
        await this.hooks.checkSource(step.cid, signal)
      } catch (err) {
        if (signal.aborted) throw err
        const reason = `input content ${step.cid} is not available on this node or its peers`
        await this.hooks.onStep(step.id, { status: 'failed', error: reason, finishedAt: new Date().toISOString() })
        throw new InputUnavailableError(`step "${step.id}": ${reason}`)
      }
      this.outputs.set(step.id, step.cid)
      ready()
      // an input, not work: `source` says so (metrics count only steps completed without one as executed)
      await this.hooks.onStep(step.id, { status: 'completed', cid: step.cid, source: 'local', queuedAt, startedAt: queuedAt, finishedAt: queuedAt, durationMs: 0 })
      return
    }
    const inputs = step.inputs.map((id) => {
      const cid = this.outputs.get(id)
      if (cid == null) throw new StepFailedError(step.id, `input "${id}" has no output`)
      return cid
    })
    try {
      const result = await this.hooks.runStep(step, inputs, signal)
      this.outputs.set(step.id, result.cid)
      ready()
      // a job shared with other runs counts as executed only for the run that created it (the others had it by the claim)
      const ours = result.source === 'executed' && (result.runId == null || result.runId === this.plan.id)
      const source = result.source === 'executed' ? 'claim' : result.source
      await this.hooks.onStep(step.id, {
        status: ours ? 'completed' : 'cached',
        cid: result.cid,
        ...(!ours ? { source } : {}),
        worker: result.worker,
        // the worker's own times: the wait in the queue is startedAt - queuedAt, not part of durationMs
        queuedAt,
        startedAt: result.startedAt,
        finishedAt: result.finishedAt,
        durationMs: result.durationMs
      })
    } catch (err) {
      if (signal.aborted && err === signal.reason) throw err
      const reason = err instanceof Error ? err.message : String(err)
      await this.hooks.onStep(step.id, { status: 'failed', error: reason, finishedAt: new Date().toISOString() })
      throw new StepFailedError(step.id, reason)
    }
  }
}

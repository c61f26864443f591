import type { PlanId } from '../dag/index.js'
import type { RunRecord, StepRecord } from '../state/index.js'
import { STEP_RECORD_BATCH_MS } from './constants.js'
import { RunNotFoundError } from './errors.js'
import type { RunStorePort } from './ports.js'

const FINAL_STEP = new Set<StepRecord['status']>(['completed', 'cached', 'failed'])

interface Pending {
  stepId: string
  patch: Partial<StepRecord>
  resolve: (step: StepRecord | undefined) => void
  reject: (err: unknown) => void
}

export interface StepRecordWriterInit {
  /** the run's step count: the patch that finishes the last of them is written at once */
  steps?: number
  /** how long a patch waits for others to share its write @default STEP_RECORD_BATCH_MS */
  batchMs?: number
}

/**
 * The step records of one run, written in order and in batches: a patch waits up to `batchMs` for others
 * to join its write (one compare-and-set for all of them), so a run of fast steps costs a few writes, not
 * one per step. A failure, and the patch that finishes the run's last step, are written at once: the run's
 * end never waits for the timer. A progress patch (claimed, running) never moves a step out of a final status.
 */
export class StepRecordWriter {
  private readonly queue: Pending[] = []
  private writing = false
  private timer?: NodeJS.Timeout
  private readonly finished = new Set<string>()
  private latestRun?: RunRecord

  constructor (private readonly runs: Pick<RunStorePort, 'update'>, private readonly runId: PlanId,
    private readonly init: StepRecordWriterInit = {}) {}

  /** the run as the last write stored it: every patch that has resolved is in it */
  get latest (): RunRecord | undefined {
    return this.latestRun
  }

  /** resolves with the step as stored once the patch is written (undefined when it was not applied) */
  async patch (stepId: string, patch: Partial<StepRecord>): Promise<StepRecord | undefined> {
    return await new Promise((resolve, reject) => {
      this.queue.push({ stepId, patch, resolve, reject })
      if (patch.status != null && FINAL_STEP.has(patch.status)) this.finished.add(stepId)
      this.schedule(this.urgent())
    })
  }

  /** the waiting patches hold a failure, or every step of the run has finished: no reason to wait */
  private urgent (): boolean {
    return this.queue.some((p) => p.patch.status === 'failed') || (this.init.steps != null && this.finished.size >= this.init.steps)
  }

  private schedule (now: boolean): void {
    if (this.writing) return
    if (now) {
      clearTimeout(this.timer)
      this.timer = undefined
      this.writing = true
      void this.drain()
      return
    }
    if (this.timer != null) return
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.schedule(true)
    }, this.init.batchMs ?? STEP_RECORD_BATCH_MS)
    this.timer.unref()
  }

  private async drain (): Promise<void> {
    const batch = this.queue.splice(0)
    try {
      const run = await this.runs.update(this.runId, (r) => apply(r, batch))
      if (run == null) throw new RunNotFoundError(`run ${this.runId} not found`)
      this.latestRun = run
      for (const p of batch) p.resolve(run.steps.find((s) => s.id === p.stepId && applies(s, p.patch)))
    } catch (err) {
      for (const p of batch) p.reject(err)
    } finally {
      this.writing = false
    }
    // what queued during the write goes at once if it holds a failure or the last step, else after the wait
    if (this.queue.length > 0) this.schedule(this.urgent())
  }
}

function applies (step: StepRecord, patch: Partial<StepRecord>): boolean {
  const progress = patch.status === 'claimed' || patch.status === 'running'
  return !(progress && FINAL_STEP.has(step.status) && step.status !== patch.status)
}

function apply (run: RunRecord, batch: Pending[]): RunRecord | undefined {
  const steps = [...run.steps]
  let changed = false
  for (const { stepId, patch } of batch) {
    const index = steps.findIndex((s) => s.id === stepId)
    const step = steps[index]
    if (step == null) throw new Error(`run ${run.id} has no step "${stepId}"`)
    if (!applies(step, patch)) continue
    steps[index] = { ...step, ...patch, id: step.id }
    changed = true
  }
  return changed ? { ...run, steps } : undefined
}

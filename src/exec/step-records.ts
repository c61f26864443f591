import type { PlanId } from '../dag/ids.js'
import type { RunRecord, StepRecord } from '../state/types.js'
import { RunNotFoundError } from './errors.js'
import type { RunStorePort } from './ports.js'

const FINAL_STEP = new Set<StepRecord['status']>(['completed', 'cached', 'failed'])

interface Pending {
  stepId: string
  patch: Partial<StepRecord>
  resolve: (step: StepRecord | undefined) => void
  reject: (err: unknown) => void
}

/**
 * The step records of one run, written in order and coalesced: patches that arrive while a write is
 * under way go together in the next one (one compare-and-set for all of them), so a chain of fast steps
 * costs one run-record write per round instead of one per patch. A progress patch (claimed, running)
 * never moves a step out of a final status.
 */
export class StepRecordWriter {
  private readonly queue: Pending[] = []
  private writing = false

  constructor (private readonly runs: Pick<RunStorePort, 'update'>, private readonly runId: PlanId) {}

  /** resolves with the step as stored once the patch is written (undefined when it was not applied) */
  async patch (stepId: string, patch: Partial<StepRecord>): Promise<StepRecord | undefined> {
    return await new Promise((resolve, reject) => {
      this.queue.push({ stepId, patch, resolve, reject })
      if (!this.writing) {
        this.writing = true
        this.drain().catch(reject)
      }
    })
  }

  private async drain (): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0)
        try {
          const run = await this.runs.update(this.runId, (r) => apply(r, batch))
          if (run == null) throw new RunNotFoundError(`run ${this.runId} not found`)
          for (const p of batch) p.resolve(run.steps.find((s) => s.id === p.stepId && applies(s, p.patch)))
        } catch (err) {
          for (const p of batch) p.reject(err)
        }
      }
    } finally {
      this.writing = false
    }
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

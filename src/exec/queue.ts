import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { StepSpec } from '../effects/index.js'

export const STEP_QUEUE = 'steps'

/** Data of one step job; the job id is the step's cache id, so identical steps share one job */
export interface StepJobData {
  step: StepSpec
  /** upstream output CIDs, in the step's input order */
  inputs: Cid[]
  /** the run that created the job; other runs sharing the step see its result as cached */
  runId?: PlanId
}

/** Return value of a step job */
export interface StepJobResult {
  cacheId: CacheId
  cid: Cid
  /** how the result was obtained */
  source: 'executed' | 'local' | 'peer' | 'claim'
  worker: string
  /** the run whose job produced the result (copied from the job data) */
  runId?: PlanId
  /** when the worker took the step up (not when it was queued) */
  startedAt: string
  finishedAt: string
  /** finishedAt - startedAt: the worker's time on the step, without its wait in the queue */
  durationMs: number
}

/** Progress a step job reports through BullMQ (`job.updateProgress`) */
export type StepJobProgress =
  | { phase: 'claimed' | 'running' | 'waiting', worker: string }
  | { phase: 'progress', fraction: number }

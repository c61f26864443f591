import type { CacheId, Cid } from '../dag/ids.js'
import type { StepSpec } from '../effects/types.js'

export const STEP_QUEUE = 'steps'

/** Data of one step job; the job id is the step's cache id, so identical steps share one job */
export interface StepJobData {
  step: StepSpec
  /** upstream output CIDs, in the step's input order */
  inputs: Cid[]
}

/** Return value of a step job */
export interface StepJobResult {
  cacheId: CacheId
  cid: Cid
  /** how the result was obtained */
  source: 'executed' | 'local' | 'peer' | 'claim'
  worker: string
  startedAt: string
  finishedAt: string
  durationMs: number
}

/** Progress a step job reports through BullMQ (`job.updateProgress`) */
export type StepJobProgress =
  | { phase: 'claimed' | 'running' | 'waiting', worker: string }
  | { phase: 'progress', fraction: number }

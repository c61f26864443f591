import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { RunStatus, StepSource, StepStatus } from '../state/index.js'

/** Progress events, named area:op:phase, consumed by SSE, the CLI and logs (STYLE rule 6) */
export type RenderEvent =
  | { type: 'render:run:status', runId: PlanId, status: RunStatus, error?: string, outputCid?: Cid }
  | {
    type: 'render:step:status', runId: PlanId, stepId: string, cacheId: CacheId, status: StepStatus, cid?: Cid, error?: string
    /** how a cached step's result was had (StepRecord.source) */
    source?: StepSource
  }
  | { type: 'render:step:progress', runId: PlanId, stepId: string, cacheId: CacheId, fraction: number }

import type { CacheId, Cid, PlanId, RecipeId } from '../dag/index.js'

/** every status a run can have, in the order a run goes through them */
export const RUN_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const
export type RunStatus = typeof RUN_STATUSES[number]
/** `cancelled`: the run was cancelled before the step finished */
export type StepStatus = 'pending' | 'running' | 'completed' | 'cached' | 'failed' | 'cancelled'
/** where a cached result came from: this node's index, a peer, or another run's claim */
export type StepSource = 'local' | 'peer' | 'claim'

export interface StepRecord {
  id: string
  type: string
  cacheId: CacheId
  status: StepStatus
  /** output CID once completed or cached */
  cid?: Cid
  source?: StepSource
  effect?: { name: string, version: string }
  /** when the step's inputs were ready and its job was queued */
  queuedAt?: string
  /** when a worker took the step up (the wait in the queue is startedAt - queuedAt) */
  startedAt?: string
  finishedAt?: string
  /** the worker's time on the step (render, or fetch/wait for a cached result), without the queue wait */
  durationMs?: number
  error?: string
  worker?: string
}

export interface RunRecord {
  id: PlanId
  status: RunStatus
  /** stored recipe id, or undefined for the effect short form */
  recipeId?: RecipeId
  recipeName: string
  /** variable input name -> CID, in binding order */
  inputs: Array<{ name: string, cid: Cid }>
  outputName?: string
  outputCid?: Cid
  provenanceCid?: Cid
  steps: StepRecord[]
  user?: string
  error?: string
  createdAt: string
  updatedAt: string
  finishedAt?: string
}

export interface StoredRecipe {
  id: RecipeId
  name: string
  version?: string
  description?: string
  /** the YAML as uploaded */
  yaml: string
  /** names of the variable inputs the recipe asks for */
  variableInputs: Array<{ nodeId: string, name: string, description?: string }>
  uploadedBy?: string
  createdAt: string
}

export interface AssetRecord {
  name: string
  cid: Cid
  mediaType?: string
  size?: number
  createdAt: string
}

export interface Page<T> {
  items: T[]
  total: number
  offset: number
  limit: number
}

import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { StepExecutor } from '../effects/index.js'
import type { ContentStore } from '../store/index.js'
import type { ClaimedStep, RunRecord, StepRecord, StepResult } from '../state/index.js'

/**
 * The narrow views of other concepts that execution needs (STYLE rule 2).
 * The real implementations live in src/state, src/store, src/effects and src/sync.
 */
export type { ClaimedStep, StepResult }

export interface ClaimsPort {
  /** claims the step and renews the claim while fn runs; an error named ClaimNotAcquiredError when another worker owns it */
  hold<T>(cacheId: CacheId, fn: (signal: AbortSignal, claimed: ClaimedStep) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>
  /** a CID goes into the cache index and to every waiter in one step; an error only to waiters; inside hold() it also releases the claim */
  publishResult(cacheId: CacheId, result: { cid: Cid } | { error: string }): Promise<void>
  waitForResult(cacheId: CacheId, options?: { signal?: AbortSignal }): Promise<StepResult>
}

export interface CacheIndexPort {
  get(cacheId: CacheId): Promise<Cid | undefined>
  set(cacheId: CacheId, cid: Cid): Promise<void>
  /** in the order asked, undefined where unknown */
  getMany(cacheIds: readonly CacheId[]): Promise<Array<Cid | undefined>>
  delete(cacheId: CacheId): Promise<void>
}

/** Peers' results learned through sync: hints, verified by CID when fetched */
export interface RemoteIndexPort {
  /** may wait a bounded moment while a peer that just connected is being caught up with */
  lookup(cacheId: CacheId, options?: { signal?: AbortSignal }): Promise<{ cid: Cid, peer?: string } | undefined>
}

export interface RunStorePort {
  create(run: RunRecord): Promise<{ created: boolean, run: RunRecord }>
  get(id: PlanId): Promise<RunRecord | undefined>
  update(id: PlanId, mutate: (run: RunRecord) => RunRecord | undefined): Promise<RunRecord | undefined>
  updateStep(id: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<RunRecord | undefined>
  list(options: { status?: RunRecord['status'], offset: number, limit: number }): Promise<{ items: RunRecord[], total: number }>
}

export interface PlanStorePort {
  putPlan(plan: Plan): Promise<void>
  getPlan(id: PlanId): Promise<Plan | undefined>
}

export interface ContentRefsPort {
  addRef(cid: Cid): Promise<unknown>
}

export type StorePort = Pick<ContentStore, 'has' | 'hasAll' | 'get' | 'stat' | 'addFile' | 'exportToFile' | 'pin' | 'putJson' | 'hold'>
export type ExecutorPort = StepExecutor

import type { CacheId, Cid } from '../dag/index.js'
import type { StepExecutor } from '../effects/index.js'
import type { ContentStore } from '../store/index.js'
import type { CacheIndex, RunStore } from '../state/index.js'
import type { RunRecord } from '../state/index.js'

/** The narrow views of other concepts that execution needs; the real parts live in state, store, effects, sync and content */
export type CacheIndexPort = Pick<CacheIndex, 'get' | 'set' | 'getMany' | 'delete'>

/** Peers' results learned through sync: hints, verified by CID when fetched */
export interface RemoteIndexPort {
  /** may wait a bounded moment while a peer that just connected is being caught up with */
  lookup(cacheId: CacheId, options?: { signal?: AbortSignal }): Promise<{ cid: Cid, peer?: string } | undefined>
}

export type RunStorePort = Pick<RunStore, 'create' | 'restart' | 'get' | 'update' | 'updateStep' | 'list'>
export type PlanStorePort = Pick<RunStore, 'putPlan' | 'getPlan'>

export interface ContentRefsPort {
  addRef(cid: Cid): Promise<unknown>
}

/** the content library's listing of run outputs (GET /cache) */
export interface OutputsPort {
  recordOutput(run: RunRecord): Promise<void>
}

export type StorePort = Pick<ContentStore, 'has' | 'hasAll' | 'get' | 'stat' | 'addFile' | 'exportToFile' | 'pin' | 'putJson' | 'hold'>
export type ExecutorPort = StepExecutor

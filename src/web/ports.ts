import type { Context } from 'koa'
import type { Cid, PlanId, RecipeId } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { EffectCatalog } from '../effects/index.js'
import type { AssetRecord, Page, RunRecord, RunStatus, StoredRecipe } from '../state/index.js'
import type { Logger } from '../util/index.js'

/** Content as listed by the content index */
export interface WebContentEntry {
  cid: Cid
  size: number
  mediaType: string
  name?: string
  addedAt: string
}

/**
 * Exactly what the web UI needs from the node: narrow structural views of the run
 * store, recipe store, asset store, content index, run service, orchestrator, content library,
 * effect registry, auth and mesh. `src/node.ts` passes the real parts.
 */
export interface WebUiComponents {
  config: WebUiConfig
  logger: Logger
  runs: {
    get(id: PlanId): Promise<RunRecord | undefined>
    list(options: { status?: RunStatus, offset: number, limit: number }): Promise<Page<RunRecord>>
    count(status?: RunStatus): Promise<number>
    /** the plan gives the DAG of a run (step inputs) */
    getPlan(id: PlanId): Promise<Plan | undefined>
  }
  recipes: {
    put(recipe: StoredRecipe): Promise<{ created: boolean, recipe: StoredRecipe }>
    resolve(idOrName: string): Promise<StoredRecipe | undefined>
    list(options: { offset: number, limit: number }): Promise<Page<StoredRecipe>>
  }
  assets: { list(): Promise<AssetRecord[]> }
  content: {
    list(options: { offset: number, limit: number }): Promise<Page<WebContentEntry>>
    meta(cid: Cid): Promise<WebContentEntry | undefined>
    /** how many runs use the CID as input or output (such content cannot be deleted) */
    refs(cid: Cid): Promise<number>
    isPublished(cid: Cid): Promise<boolean>
  }
  runService: {
    submit(request: { recipe: string, inputs: string[] | Record<string, string>, params?: Record<string, unknown>, outputName?: string, user?: string }): Promise<{ run: RunRecord }>
    /** the plan (so the run id) a request would submit, without submitting it */
    plan(request: { recipe: string, inputs: string[] | Record<string, string>, params?: Record<string, unknown> }): Promise<{ id: PlanId }>
  }
  orchestrator: { cancel(id: PlanId): Promise<RunRecord> }
  library: {
    upload(source: AsyncIterable<Uint8Array>, init?: { name?: string, signal?: AbortSignal }): Promise<{ cid: Cid, size: number, mediaType: string }>
    deleteContent(cid: Cid, options?: { signal?: AbortSignal }): Promise<unknown>
    discardRun(id: PlanId, options?: { signal?: AbortSignal }): Promise<unknown>
    mediaTypeOf(cid: Cid, options?: { signal?: AbortSignal }): Promise<string>
  }
  effects: EffectCatalog
  auth: { isReadAllowed(ctx: Context): boolean }
  mesh: { readonly peerId: string, multiaddrs(): string[], peers(): string[] }
}

export interface WebUiConfig {
  authMode: 'l2' | 'local' | 'none'
  /** largest upload, in bytes */
  maxUploadBytes: number
  /** the node's public URL: its origin may post forms, https makes cookies Secure */
  publicUrl?: string
  /** L2's URL, linked from the login page in l2 mode */
  l2Server?: string
}

export type { RecipeId }

import type { Context, Middleware } from 'koa'
import type Router from '@koa/router'
import type { PlanId } from '../dag/index.js'
import type { EffectCatalog } from '../effects/index.js'
import type { ChannelEvent, RunService } from '../exec/index.js'
import type { ContentLibrary } from '../content/index.js'
import type { AssetStore, ContentIndex, RecipeStore, RunRecord, RunStore } from '../state/index.js'
import type { ContentStore } from '../store/index.js'
import type { CarBlockSource } from '../store/index.js'
import type { Logger } from '../util/index.js'
import type { SwarmKey } from '../mesh/index.js'

/**
 * Exactly what the HTTP API needs from the rest of the node. `src/node.ts` passes the
 * real parts; every entry is a narrow structural view of them.
 */
export interface ApiComponents {
  config: ApiConfig
  logger: Logger
  store: Pick<ContentStore, 'get' | 'stat' | 'held' | 'size' | 'has'>
  runs: Pick<RunStore, 'get' | 'list' | 'count'>
  recipes: Pick<RecipeStore, 'put' | 'resolve' | 'list' | 'delete'>
  assets: Pick<AssetStore, 'list'>
  content: Pick<ContentIndex, 'list' | 'meta'>
  runService: Pick<RunService, 'submit'>
  orchestrator: {
    /** the event channel: one run's events (by its id), or every event; each returns the function that stops listening */
    readonly events: { on(key: string, listener: (e: ChannelEvent) => void): () => void, onAll(listener: (e: ChannelEvent) => void): () => void }
    waitFor(id: PlanId, options?: { signal?: AbortSignal }): Promise<RunRecord>
    cancel(id: PlanId): Promise<RunRecord>
  }
  effects: EffectCatalog
  library: ContentLibrary
  auth: ApiAuth
  redis: { ping(): Promise<string> }
  mesh: { readonly peerId: string, multiaddrs(): string[], peers(): string[], readonly helia?: CarBlockSource, readonly swarmKey?: SwarmKey }
  /** completed runs found without their output or provenance as the node started, for /metrics */
  lostResults?: () => { outputs: number, provenance: number } | undefined
  /** steps waiting or running in the step queue, for /metrics */
  queueDepth?: () => Promise<number>
  /** the web UI's home page, called for `GET /` when the client asks for text/html */
  renderHome?: (ctx: Context) => Promise<void>
}

export interface ApiConfig {
  /** largest upload, in bytes */
  maxUploadBytes: number
  /** deadline of fetching content from peers */
  fetchTimeoutMs: number
  /** public URL of the node, shown in GET / */
  publicUrl?: string
  authMode: 'l2' | 'local' | 'none'
}

/** What the API mounts from src/auth */
export interface ApiAuth {
  middleware(): Middleware
  readonly requireUser: Middleware
  readonly requireRead: Middleware
  router(): Router
}


import type { Context, Middleware } from 'koa'
import type { Redis } from 'ioredis'
import type { CacheId } from '../dag/index.js'
import type { LostResults } from '../exec/index.js'
import { createAuth, createL2Client, type Auth, type L2Client, type TokenStorePort } from '../auth/index.js'
import type { NodeConfig } from '../config/index.js'
import { createContentLibrary, type ContentLibrary, type ContentLibraryComponents } from '../content/index.js'
import { importFile, type ContentStore } from '../store/index.js'
import type { Logger } from '../util/index.js'
import { buildApi } from './app.js'
import type { Api } from './index.js'
import type { ApiComponents } from './ports.js'

/** The parts of a started L1Node the API is built from (src/node.ts passes `this`) */
export interface NodeApiParts {
  config: NodeConfig
  logger: Logger
  redis: Pick<Redis, 'ping'>
  store: ApiComponents['store'] & ContentLibraryComponents['store'] & Pick<ContentStore, 'addFile'>
  mesh: ApiComponents['mesh']
  state: {
    runs: ApiComponents['runs'] & ContentLibraryComponents['runs']
    recipes: ApiComponents['recipes']
    assets: ApiComponents['assets']
    content: ApiComponents['content'] & ContentLibraryComponents['content']
    cacheIndex: ContentLibraryComponents['cacheIndex']
    tokens: TokenStorePort
  }
  runService: ApiComponents['runService']
  orchestrator: ApiComponents['orchestrator'] & { forgetStep(cacheId: CacheId): Promise<void>, queueDepth(): Promise<number> }
  effects: ApiComponents['effects']
  lostResults?: LostResults
}

export interface NodeApiInit {
  /** the web UI's home page for browsers */
  renderHome?: (ctx: Context) => Promise<void>
  /** the web UI's pages that share paths with the API, mounted after auth and before the API's routes */
  beforeRoutes?: Middleware[]
  /** more routes, mounted after the API's */
  extraMiddleware?: Middleware[]
  queueDepth?: () => Promise<number>
}

export interface NodeApi {
  api: Api
  library: ContentLibrary
  auth: Auth
  l2?: L2Client
  /** local auth mode, first start only: the new admin token, to print once */
  adminToken?: string
}

/** The content library of a node, with the L2 client it publishes through (when L2 is configured) */
export interface NodeLibrary {
  library: ContentLibrary
  l2?: L2Client
}

/**
 * The node's content library (uploads, imports, run outputs, deletion rules), built before runs are
 * resumed at start: their outputs are listed as they complete, whether or not HTTP is up yet.
 */
export function createNodeLibrary (node: Omit<NodeApiParts, 'runService' | 'effects' | 'lostResults'>): NodeLibrary {
  const { config, logger, state, store } = node
  const l2 = config.l2Server != null ? createL2Client({ l2Server: config.l2Server, logger }) : undefined
  const library = createContentLibrary({
    store,
    content: state.content,
    runs: state.runs,
    // forgetting a step also drops its kept BullMQ job, whose old answer would point at deleted bytes
    cacheIndex: {
      entries: async (cursor, count) => await state.cacheIndex.entries(cursor, count),
      delete: async (cacheId) => { await node.orchestrator.forgetStep(cacheId) }
    },
    ...(l2 != null ? { l2 } : {}),
    importFile: async (path, options) => await importFile(path, { importDirs: config.importDirs, store, ...options }),
    logger
  }, { maxUploadBytes: config.maxUploadBytes })
  return { library, ...(l2 != null ? { l2 } : {}) }
}

/**
 * Wires the HTTP API of a node: auth and the Koa app, over the node's content library. Listening is left to the caller (`api.listen`).
 */
export async function createNodeApi (node: NodeApiParts & NodeLibrary, init: NodeApiInit = {}): Promise<NodeApi> {
  const { config, logger, state, store, library, l2 } = node
  const auth = createAuth({
    mode: config.authMode,
    ...(config.publicUrl != null ? { publicUrl: config.publicUrl } : {}),
    ...(config.l2Domain != null ? { l2Domain: config.l2Domain } : {}),
    publicReads: config.publicReads,
    tokens: state.tokens,
    ...(l2 != null ? { l2 } : {}),
    logger
  })
  const adminToken = await auth.ensureAdminToken()
  const api = buildApi({
    config,
    logger,
    store,
    runs: state.runs,
    recipes: state.recipes,
    assets: state.assets,
    content: state.content,
    runService: node.runService,
    orchestrator: node.orchestrator,
    effects: node.effects,
    library,
    auth,
    redis: node.redis,
    mesh: node.mesh,
    queueDepth: init.queueDepth ?? (async () => await node.orchestrator.queueDepth()),
    lostResults: () => node.lostResults,
    ...(init.renderHome != null ? { renderHome: init.renderHome } : {})
  }, {
    ...(init.beforeRoutes != null ? { beforeRoutes: init.beforeRoutes } : {}),
    ...(init.extraMiddleware != null ? { extraMiddleware: init.extraMiddleware } : {})
  })
  return { api, library, auth, ...(l2 != null ? { l2 } : {}), ...(adminToken != null ? { adminToken } : {}) }
}

import { hostname } from 'node:os'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { configSchema, type NodeConfig, type NodeConfigInit } from './config/index.js'
import { ENGINE_SALT } from './config/index.js'
import { createEffectRegistry, createStepExecutor, type EffectRegistry } from './effects/index.js'
import { checkCompletedRuns, createOrchestrator, createStepWorkerPool, EventChannel, RunService, type LostResults, type Orchestrator, type StepWorkerPool } from './exec/index.js'
import { clusterToken, createMeshNode, type MeshNode } from './mesh/index.js'
import {
  createAnalysisCache, createAssetStore, createCacheIndex, createContentIndex, createRecipeStore,
  createRedisConnection, createRunStore, createTokenStore, readRedisPassword, reconnectDelay, redisEndpoint, startManagedRedis, withRedisPassword, type ManagedRedis, type RedisEndpoint
} from './state/index.js'
import { createRedisKeys, type RedisKeys } from './state/index.js'
import { createContentStore } from './store/index.js'
import { createCarServer } from './store/index.js'
import { createRemoteFetcher } from './store/index.js'
import { createStateSync, type StateSync } from './sync/index.js'
import type { ContentStore } from './store/index.js'
import { createLogger, type Logger } from './util/index.js'
import { VERSION } from './version.js'
import { registerSampleAssets } from './assets.js'
import { createNodeApi, createNodeLibrary, type NodeApi, type NodeLibrary } from './api/index.js'
import type { Middleware } from 'koa'
import { createWebUi, type WebUi } from './web/index.js'
import { createDamageHandler } from './content/index.js'
import type { CacheId } from './dag/index.js'


export interface L1NodeInit {
  config?: NodeConfigInit
  logger?: Logger
  /** run the HTTP API (serve) or only workers (worker) @default 'serve' */
  role?: 'serve' | 'worker'
}

/**
 * The composition root: builds every part of one L1 node and owns the start/stop order
 * (Redis -> Helia/libp2p -> store -> state -> workers -> orchestrator -> API).
 */
export class L1Node {
  readonly config: NodeConfig
  readonly logger: Logger
  readonly keys: RedisKeys
  readonly role: 'serve' | 'worker'
  redis!: Redis
  mesh!: MeshNode
  store!: ContentStore
  effects!: EffectRegistry
  orchestrator!: Orchestrator
  workers!: StepWorkerPool
  runService!: RunService
  sync!: StateSync
  state!: ReturnType<L1Node['createState']>
  /** the content library (role 'serve'), with its L2 client when L2 is configured */
  library!: NodeLibrary['library']
  l2?: NodeLibrary['l2']
  /** the HTTP API (role 'serve'): the Koa app, content library and auth; `adminToken` is set on a first local-mode start */
  http?: NodeApi
  /** completed runs found without their output or provenance as the node started (they were failed) */
  lostResults?: LostResults
  /** base URL the API listens on, once started */
  apiUrl?: string
  /** the node's own redis-server, when no REDIS_URL is configured */
  managedRedis?: ManagedRedis
  private readonly stopTasks: Array<() => Promise<unknown>> = []
  private started = false

  constructor (init: L1NodeInit = {}) {
    this.config = configSchema.parse(init.config ?? {})
    this.logger = init.logger ?? createLogger({ level: this.config.logLevel })
    this.keys = createRedisKeys(this.config.redisPrefix)
    this.role = init.role ?? 'serve'
  }

  async start (): Promise<void> {
    if (this.started) return
    this.started = true
    const redisUrl = await this.startStorage()
    await this.startSync()
    const connection = redisConnectionOptions(redisUrl, this.config.redisDb)
    await this.startWorkers(connection)
    if (this.role === 'serve') {
      await this.startOrchestration(connection)
      await this.startHttp()
    }
    // stopped first: a collection running at shutdown is aborted between two batches
    this.stopTasks.push(async () => { await this.store.stop() })
    this.logger.child({ component: 'node' }).info({ peerId: this.mesh.peerId, role: this.role, workers: this.config.workers }, 'node started')
  }

  /** Redis (managed or external), Helia + libp2p, the content store, the CAR server and the state stores */
  private async startStorage (): Promise<string> {
    const { config, logger } = this
    let redisUrl = config.redisUrl
    if (redisUrl != null && config.redisPasswordFile != null) {
      redisUrl = withRedisPassword(redisUrl, await readRedisPassword(config.redisPasswordFile))
    }
    if (redisUrl == null) {
      this.managedRedis = await startManagedRedis({ dataDir: config.dataDir, bind: config.redisBind, logger })
      this.stopTasks.push(async () => await this.managedRedis?.stop())
      // the node itself talks to its own server over the unix socket
      redisUrl = this.managedRedis.localUrl
    }
    this.redis = await createRedisConnection(redisUrl, config.redisDb)
    this.stopTasks.push(async () => { this.redis.disconnect() })

    // only holders of the swarm key connect (without one configured: the node's own key, a cluster of one)
    this.mesh = await createMeshNode({ dataDir: config.dataDir, listen: config.p2pListen, bootstrap: config.bootstrap, logger, ...(config.swarmKey != null ? { swarmKey: config.swarmKey } : {}) })
    this.stopTasks.push(async () => { await this.mesh.stop() })
    // content this node lacks comes in bulk from a peer that has it (HTTP CAR from nodes, libp2p CAR from workers), bitswap last
    const hints = (): StateSync | undefined => this.sync as StateSync | undefined
    const key = this.mesh.swarmKey
    const remote = createRemoteFetcher({
      helia: this.mesh.helia,
      logger,
      peers: { peerUrl: async (peer, o) => await hints()?.peerUrl(peer, o), providersOf: (cid) => hints()?.providersOf(cid) ?? [] },
      // members read from each other even where anonymous reads are off
      clusterToken: (cid) => clusterToken(key, cid)
    }, { timeoutMs: config.fetchTimeoutMs })
    this.store = createContentStore({
      helia: this.mesh.helia, dataDir: config.dataDir, logger, fetchTimeoutMs: config.fetchTimeoutMs, remote, hotFilesBytes: config.hotFilesBytes,
      ...(config.storeMaxBytes > 0 ? { maxBytes: config.storeMaxBytes } : {}),
      // damaged content: the steps that produced it are forgotten, so the next run renders them again
      onCorrupt: async (event) => {
        await createDamageHandler({
          cacheIndex: this.state.cacheIndex,
          ...(this.role === 'serve' ? { forgetStep: async (id: CacheId) => { await this.orchestrator.forgetStep(id) } } : {}),
          logger
        })(event)
      }
    })
    // peers pull whole DAGs from here as verified CAR streams (/artdag/car/1.0.0), the bulk path
    const carServer = createCarServer({ helia: this.mesh.helia, libp2p: this.mesh.libp2p, logger })
    await carServer.start()
    this.stopTasks.push(async () => { await carServer.stop() })

    this.state = this.createState()
    this.effects = createEffectRegistry()
    return redisUrl
  }

  /**
   * IPNS manifests + gossip: peers' results become hints in the remote index. A worker process syncs as
   * itself (its own PeerId and record, what it holds); its node takes its results over. A worker has no
   * HTTP API, so it advertises no URL.
   */
  private async startSync (): Promise<void> {
    const { config } = this
    const worker = this.role === 'worker'
    this.sync = createStateSync({
      helia: this.mesh.helia,
      store: this.store,
      localIndex: this.state.cacheIndex,
      redis: this.redis,
      keys: this.keys,
      logger: this.logger
    }, {
      enabled: config.syncEnabled, intervalMs: config.syncIntervalMs, clusterKey: this.mesh.swarmKey.syncNamespace(), peerStateWaitMs: config.peerStateWaitMs,
      hintMaxEntries: config.syncHintMaxEntries, hintMaxBytes: config.syncHintMaxBytes, peerForgetMs: config.syncPeerForgetMs,
      role: worker ? 'worker' : 'node', httpUrl: () => worker ? undefined : config.meshUrl ?? config.publicUrl ?? this.apiUrl
    })
    await this.sync.start()
    this.stopTasks.push(async () => { await this.sync.stop() })
  }

  private async startWorkers (connection: RedisConnection): Promise<void> {
    const { config, logger, sync } = this
    const log = logger.child({ component: 'node' })
    this.workers = createStepWorkerPool({
      store: this.store,
      cacheIndex: this.state.cacheIndex,
      channel: this.state.events,
      redis: this.redis,
      executor: createStepExecutor({ registry: this.effects, timeoutMs: config.stepTimeoutMs, logger }),
      // peers' results are known only through sync: without it there is nothing to look up
      ...(config.syncEnabled ? { remoteIndex: sync } : {}),
      logger,
      // announced only when held here (an identity step's input may live elsewhere)
      onResult: (cacheId, cid) => {
        if (!config.syncEnabled) return
        this.store.has(cid).then(async (held) => { if (held) await sync.announce(cacheId, cid) })
          .catch((err: unknown) => { log.warn({ err, cacheId }, 'announce failed') })
      }
    }, {
      workerId: this.workerId(),
      workRoot: join(config.dataDir, 'work'),
      fetchTimeoutMs: config.fetchTimeoutMs,
      connection,
      prefix: this.keys.queuePrefix(),
      concurrency: config.workers,
      lockDurationMs: config.claimLeaseMs,
      stepTimeoutMs: config.stepTimeoutMs
    })
    await this.workers.start()
    this.stopTasks.push(async () => { await this.workers.stop() })
  }

  /** the orchestrator drives runs; interrupted runs of a previous process are resumed */
  private async startOrchestration (connection: RedisConnection): Promise<void> {
    const { config, logger } = this
    // read and written by the start checks and the resumed runs below: records of an older format are rewritten first
    const migrated = await this.state.runs.migrate()
    if (migrated > 0) logger.child({ component: 'node' }).info({ migrated }, 'rewrote run records of an older format')
    const { library, l2 } = createNodeLibrary(this)
    this.library = library
    if (l2 != null) this.l2 = l2
    this.orchestrator = createOrchestrator({
      runs: this.state.runs,
      plans: this.state.runs,
      cacheIndex: this.state.cacheIndex,
      store: this.store,
      contentRefs: this.state.content,
      // run outputs are listed as the run completes, whether or not HTTP is up yet
      outputs: { recordOutput: async (run) => { await this.library.recordOutput(run) } },
      channel: this.state.events,
      logger
    }, {
      connection,
      prefix: this.keys.queuePrefix(),
      fetchTimeoutMs: config.fetchTimeoutMs,
      // without a local pool (workers: 0) every result comes from elsewhere
      ...(config.workers > 0 ? { localWorkerId: this.workerId() } : {}),
      software: { name: 'artdag-l1', version: VERSION, node: process.version, peerId: this.mesh.peerId }
    })
    await this.orchestrator.start()
    this.stopTasks.push(async () => { await this.orchestrator.stop() })
    this.runService = new RunService({
      orchestrator: this.orchestrator,
      recipes: this.state.recipes,
      assets: this.state.assets,
      effects: this.effects,
      engine: ENGINE_SALT,
      mediaTypes: { mediaTypeOf: async (cid) => (await this.state.content.meta(cid))?.mediaType }
    })
    await registerSampleAssets({ store: this.store, assets: this.state.assets, content: this.state.content, logger })
    // before anyone can ask: a completed run whose bytes are gone must not be answered as completed
    this.lostResults = await checkCompletedRuns({
      runs: this.state.runs,
      store: this.store,
      cacheIndex: this.state.cacheIndex,
      forgetStep: async (id) => { await this.orchestrator.forgetStep(id) },
      contentRefs: this.state.content,
      logger
    })
    const resumed = await this.orchestrator.resumeInterrupted()
    if (resumed > 0) logger.child({ component: 'node' }).info({ resumed }, 'resumed interrupted runs')
  }

  /** the API and the web UI on one Koa app; the UI's pages answer browsers before the API's routes */
  private async startHttp (): Promise<void> {
    const { config, logger } = this
    // the web UI needs the API's library and auth, the API needs the UI's pages: tie them lazily
    const ui: { web?: WebUi, routes?: Middleware } = {}
    const pages: Middleware = async (ctx, next) => { await (ui.routes != null ? ui.routes(ctx, next) : next()) }
    const http = await createNodeApi(this, {
      beforeRoutes: [pages],
      renderHome: async (ctx) => { await ui.web?.renderHome(ctx) }
    })
    this.http = http
    const web = createWebUi({
      config: { authMode: config.authMode, maxUploadBytes: config.maxUploadBytes, publicUrl: config.publicUrl, l2Server: config.l2Server },
      logger,
      runs: this.state.runs,
      recipes: this.state.recipes,
      assets: this.state.assets,
      content: this.state.content,
      runService: this.runService,
      orchestrator: this.orchestrator,
      library: http.library,
      effects: this.effects,
      auth: http.auth,
      mesh: this.mesh
    })
    ui.web = web
    ui.routes = web.router().routes() as unknown as Middleware
    this.stopTasks.push(async () => { await http.api.stop() })
    this.apiUrl = (await http.api.listen({ port: config.port, host: config.host })).url
  }

  /** the id this process's step workers put on their results */
  private workerId (): string {
    return `${hostname()}:${process.pid}:${this.mesh.peerId.slice(-8)}`
  }

  private createState () {
    const base = { redis: this.redis, keys: this.keys, logger: this.logger }
    return {
      runs: createRunStore(base),
      cacheIndex: createCacheIndex(base),
      // one subscriber per process: runs' progress and steps' results, from here and from other machines
      events: new EventChannel(this.redis, this.keys.events(), this.logger.child({ component: 'exec:events' })),
      recipes: createRecipeStore(base),
      assets: createAssetStore(base),
      content: createContentIndex(base),
      analysis: createAnalysisCache(base),
      tokens: createTokenStore(base)
    }
  }

  /** Stops everything in reverse start order; safe to call twice */
  async stop (): Promise<void> {
    const tasks = this.stopTasks.splice(0).reverse()
    for (const task of tasks) {
      await task().catch((err: unknown) => { this.logger.error({ err }, 'error while stopping') })
    }
  }
}

/** what BullMQ connects with: connection options, not a shared client (it opens its own blocking connections) */
type RedisConnection = ReturnType<typeof redisConnectionOptions>

function redisConnectionOptions (url: string, db: number): RedisEndpoint & { maxRetriesPerRequest: null, retryStrategy: typeof reconnectDelay } {
  return { ...redisEndpoint(url, db), maxRetriesPerRequest: null, retryStrategy: reconnectDelay }
}

export async function createL1Node (init: L1NodeInit = {}): Promise<L1Node> {
  return new L1Node(init)
}

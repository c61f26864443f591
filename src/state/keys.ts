import type { Cid, PlanId, RecipeId } from '../dag/index.js'

/**
 * Every Redis key name of the node, in one place. All keys live under one
 * prefix (default `artdag:`), so several nodes or tests can share a Redis without colliding.
 */
export interface RedisKeys {
  readonly prefix: string
  /** hash: a run's header (format version `v`, status, ...); `<this>:step:<step id>` hashes hold its steps */
  run(id: PlanId): string
  /** sorted set: run id scored by creation time (ms), for paging */
  runsByTime(): string
  /** sorted set per status: run id scored by creation time */
  runsByStatus(status: string): string
  /** pub/sub channel of execution: runs' progress and steps' results, for every process of the cluster */
  events(): string
  /** hash: cache id -> CID, results computed or verified here */
  cacheIndex(): string
  /** hash: cache id -> JSON {cid, peer, seq}, hints learned from peers */
  remoteIndex(): string
  /** sorted set: cache id of each hint scored by when it was last announced or used (ms), the eviction order */
  remoteIndexUse(): string
  /** string: bytes the hints take (field + value lengths), kept by the hint store */
  remoteIndexBytes(): string
  /** string: JSON StoredRecipe */
  recipe(id: RecipeId): string
  /** sorted set: recipe ids by upload time */
  recipes(): string
  /** hash: recipe name -> recipe id (latest upload of that name) */
  recipeNames(): string
  /** hash: asset name -> JSON AssetRecord */
  assets(): string
  /** hash: CID -> JSON ffprobe metadata */
  analysis(): string
  /** hash: CID -> JSON {runs: n} of runs that use it as input or output (deletion rules) */
  contentRefs(): string
  /** sorted set: CIDs of uploads and outputs by time, for GET /cache */
  contentByTime(): string
  /** hash: CID -> JSON {size, mediaType, name?, addedAt} */
  contentMeta(): string
  /** sorted set: sha256 hashes of tokens a user logged in with, scored by their expiry (ms, +inf: none) */
  userTokens(user: string): string
  /** string: a revoked token hash, kept until the token expires (forever when it never does) */
  revokedToken(tokenHash: string): string
  /** string with the session's TTL: JSON SessionRecord of a browser session, by sha256 of its id */
  session(idHash: string): string
  /** string: sha256 of the local admin token */
  adminToken(): string
  /** hash: sync state (own sequence, last manifest CID, per-peer cursors) */
  sync(): string
  /** BullMQ queue prefix */
  queuePrefix(): string
  /** hash: CID -> 1 for content known to be published on L2 (cache of L2's answer) */
  published(): string
  /** string: JSON Plan of a run, kept so an interrupted run can resume */
  plan(id: PlanId): string
  /** string: analysis of a CID */
  analysisOf(cid: Cid): string
}

export function createRedisKeys (prefix = 'artdag:'): RedisKeys {
  const k = (s: string): string => `${prefix}${s}`
  return {
    prefix,
    run: (id) => k(`run:${id}`),
    runsByTime: () => k('runs'),
    runsByStatus: (status) => k(`runs:status:${status}`),
    events: () => k('events'),
    cacheIndex: () => k('cache_index'),
    remoteIndex: () => k('remote_index'),
    remoteIndexUse: () => k('remote_index_use'),
    remoteIndexBytes: () => k('remote_index_bytes'),
    recipe: (id) => k(`recipe:${id}`),
    recipes: () => k('recipes'),
    recipeNames: () => k('recipe_names'),
    assets: () => k('assets'),
    analysis: () => k('analysis'),
    contentRefs: () => k('content_refs'),
    contentByTime: () => k('content'),
    contentMeta: () => k('content_meta'),
    userTokens: (user) => k(`user_token_expiry:${user}`),
    revokedToken: (tokenHash) => k(`revoked:${tokenHash}`),
    adminToken: () => k('admin_token'),
    session: (idHash) => k(`session:${idHash}`),
    sync: () => k('sync'),
    queuePrefix: () => `${prefix}bull`,
    published: () => k('published'),
    plan: (id) => k(`plan:${id}`),
    analysisOf: (cid) => k(`analysis:${cid}`)
  }
}

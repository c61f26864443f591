/**
 * Redis state of the node: runs, cache index, recipes, assets, content
 * listing, analysis cache, tokens, plus the connection helper and the managed redis-server.
 * Every factory takes `{ redis, keys, logger? }`; every key name comes from `createRedisKeys(prefix)`.
 */
export { createRedisKeys, type RedisKeys } from './keys.js'
export { RUN_STATUSES, type AssetRecord, type Page, type RunRecord, type RunStatus, type StepRecord, type StepStatus, type StoredRecipe } from './types.js'
export * from './errors.js'
export type { PageOptions } from './paging.js'

export { createRunStore, FINAL_RUN_STATUSES, FINAL_STEP_STATUSES, RUN_RECORD_VERSION, type RunListOptions, type RunPatch, type RunStore, type StateComponents } from './run-store.js'
export { createCacheIndex, type CacheIndex, type CacheIndexEntries } from './cache-index.js'
export { createRecipeStore, type RecipeStore } from './recipe-store.js'
export { createAssetStore, type AssetStore } from './asset-store.js'
export { createContentIndex, type ContentEntry, type ContentIndex, type ContentMeta } from './content-index.js'
export { createAnalysisCache, type AnalysisCache } from './analysis-cache.js'
export { createTokenStore, type SessionRecord, type TokenStore } from './token-store.js'
export { createRedisConnection, readRedisPassword, reconnectDelay, redactRedisUrl, redisEndpoint, withRedisPassword, type RedisConnectionInit, type RedisEndpoint } from './connection.js'
export { startManagedRedis, type ManagedRedis, type ManagedRedisInit } from './managed-redis.js'
export { DEFAULT_CLAIM_LEASE_MS, DEFAULT_REDIS_DB, DEFAULT_REDIS_PREFIX } from './constants.js'
export type { StepSource } from './types.js'

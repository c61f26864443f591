import { existsSync } from 'node:fs'
import { parse as parseDotenv } from 'dotenv'
import { readFileSync } from 'node:fs'
import type { z } from 'zod'
import { ConfigError } from './errors.js'
import { configSchema, type NodeConfig, type NodeConfigInit } from './schema.js'

export { configSchema, type NodeConfig, type NodeConfigInit }
export * as constants from './constants.js'
export { ConfigError } from './errors.js'


/** Environment variable -> config key; `.env.example` lists the same names */
export const ENV_KEYS: Readonly<Record<string, keyof NodeConfigInit>> = {
  ARTDAG_DATA_DIR: 'dataDir',
  HOST: 'host',
  PORT: 'port',
  L1_PUBLIC_URL: 'publicUrl',
  ARTDAG_MESH_URL: 'meshUrl',
  REDIS_URL: 'redisUrl',
  ARTDAG_REDIS_PASSWORD_FILE: 'redisPasswordFile',
  ARTDAG_REDIS_BIND: 'redisBind',
  ARTDAG_REDIS_PREFIX: 'redisPrefix',
  ARTDAG_REDIS_DB: 'redisDb',
  ARTDAG_AUTH: 'authMode',
  ARTDAG_PUBLIC_READS: 'publicReads',
  L2_SERVER: 'l2Server',
  L2_DOMAIN: 'l2Domain',
  ARTDAG_P2P_LISTEN: 'p2pListen',
  ARTDAG_BOOTSTRAP: 'bootstrap',
  ARTDAG_WORKERS: 'workers',
  ARTDAG_CLAIM_LEASE_MS: 'claimLeaseMs',
  ARTDAG_STEP_TIMEOUT_MS: 'stepTimeoutMs',
  ARTDAG_FETCH_TIMEOUT_MS: 'fetchTimeoutMs',
  ARTDAG_IMPORT_DIRS: 'importDirs',
  ARTDAG_MAX_UPLOAD_BYTES: 'maxUploadBytes',
  ARTDAG_STORE_MAX_BYTES: 'storeMaxBytes',
  ARTDAG_HOT_FILES_BYTES: 'hotFilesBytes',
  ARTDAG_SYNC: 'syncEnabled',
  ARTDAG_SYNC_INTERVAL_MS: 'syncIntervalMs',
  ARTDAG_SYNC_HINT_MAX_ENTRIES: 'syncHintMaxEntries',
  ARTDAG_SYNC_HINT_MAX_BYTES: 'syncHintMaxBytes',
  ARTDAG_SYNC_PEER_FORGET_MS: 'syncPeerForgetMs',
  ARTDAG_SWARM_KEY: 'swarmKey',
  ARTDAG_PEER_STATE_WAIT_MS: 'peerStateWaitMs',
  LOG_LEVEL: 'logLevel'
}

/** Settings from an env map (process.env plus a `.env` file when present) */
export function configFromEnv (env: NodeJS.ProcessEnv, envFile = '.env'): NodeConfigInit {
  const merged: Record<string, string | undefined> = {}
  if (existsSync(envFile)) Object.assign(merged, parseDotenv(readFileSync(envFile)))
  Object.assign(merged, env)
  const out: Record<string, unknown> = {}
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const value = merged[name]
    if (value != null && value !== '') out[key] = value
  }
  return out as NodeConfigInit
}

/** Validates once at startup: every bad key is listed, nothing deep reads process.env */
export function loadConfig (...layers: NodeConfigInit[]): NodeConfig {
  const merged = Object.assign({}, ...layers) as NodeConfigInit
  const result = configSchema.safeParse(merged)
  if (result.success) return result.data
  throw new ConfigError(result.error.issues.map((issue: z.core.$ZodIssue) => {
    const key = issue.path.join('.')
    const env = Object.entries(ENV_KEYS).find(([, k]) => k === issue.path[0])?.[0]
    return `${key}${env != null ? ` (${env})` : ''}: ${issue.message}`
  }))
}
export { DEFAULT_FETCH_TIMEOUT_MS, ENGINE_SALT } from './constants.js'

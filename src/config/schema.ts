import { isIP } from 'node:net'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { availableParallelism } from 'node:os'
import { z } from 'zod'
import { SwarmKey } from '../mesh/index.js'
import { redisEndpoint } from '../state/index.js'
import * as C from './constants.js'

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'yes')
const list = z.union([z.array(z.string()), z.string()])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''))
const int = (min: number, max = Number.MAX_SAFE_INTEGER): z.ZodType<number, unknown> =>
  z.coerce.number().int().min(min).max(max) as unknown as z.ZodType<number, unknown>

/** Every setting of a node; each has a default so an empty config is valid */
export const configSchema = z.object({
  dataDir: z.string().default(join(homedir(), '.artdag')).transform((p) => resolve(p)),
  host: z.string().default(C.DEFAULT_HOST),
  port: int(0, 65535).default(C.DEFAULT_PORT),
  publicUrl: z.url().optional(),
  /**
   * the URL other nodes fetch bulk content from (GET /ipfs/{cid}); when the public URL is not reachable
   * from the peers (containers, a proxy in front), e.g. http://node-a:8100. Default: publicUrl, else the
   * URL the API listens on
   */
  meshUrl: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  /** external Redis (redis://, rediss:// or unix:///path/to/redis.sock); when absent the node starts and owns a private redis-server */
  redisUrl: z.string().superRefine((url, ctx) => {
    try {
      redisEndpoint(url, 0)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) })
    }
  }).optional(),
  /** a file holding the password of the Redis at redisUrl (a worker's copy of the node's `<data dir>/redis/password`), so the password stays out of URLs and process lists */
  redisPasswordFile: z.string().min(1).optional(),
  /** addresses the managed redis-server listens on; a non-loopback one lets workers on other machines in (password always required) */
  redisBind: list.default([C.DEFAULT_REDIS_BIND]).superRefine((addresses, ctx) => {
    if (addresses.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one address' })
    for (const a of addresses) if (isIP(a) === 0) ctx.addIssue({ code: 'custom', message: `"${a}" is not an IP address (e.g. 127.0.0.1, 10.0.0.5, 0.0.0.0)` })
  }),
  redisPrefix: z.string().min(1).default(C.DEFAULT_REDIS_PREFIX),
  redisDb: int(0, 15).default(C.DEFAULT_REDIS_DB),
  authMode: z.enum(['l2', 'local', 'none']).default('local'),
  publicReads: bool.default(true),
  l2Server: z.url().optional(),
  l2Domain: z.string().optional(),
  p2pListen: list.default([C.DEFAULT_P2P_LISTEN]),
  bootstrap: list.default([]),
  workers: int(0, 256).default(availableParallelism()),
  claimLeaseMs: int(200).default(C.DEFAULT_CLAIM_LEASE_MS),
  stepTimeoutMs: int(1000).default(C.DEFAULT_STEP_TIMEOUT_MS),
  fetchTimeoutMs: int(100).default(C.DEFAULT_FETCH_TIMEOUT_MS),
  importDirs: list.default([]),
  maxUploadBytes: int(1).default(C.DEFAULT_MAX_UPLOAD_BYTES),
  /** 0 = no limit */
  storeMaxBytes: int(0).default(0),
  /** bytes of small (<= 1 MiB) hot files the store keeps in memory for downloads; 0 turns it off */
  hotFilesBytes: int(0).default(64 * 1024 * 1024),
  syncEnabled: bool.default(true),
  syncIntervalMs: int(100).default(C.DEFAULT_SYNC_INTERVAL_MS),
  /** peers' results kept as hints at most (entries, bytes); the least recently announced or used go first */
  syncHintMaxEntries: int(1).default(C.DEFAULT_SYNC_HINT_MAX_ENTRIES),
  syncHintMaxBytes: int(1024).default(C.DEFAULT_SYNC_HINT_MAX_BYTES),
  /** a peer disconnected this long is forgotten by sync (cursor, URL, record subscription) */
  syncPeerForgetMs: int(1000).default(C.DEFAULT_SYNC_PEER_FORGET_MS),
  /**
   * the cluster's swarm key: a key file's path, or the key (64 hex digits or the file's text). Only
   * holders connect over libp2p, sync and pull content; absent, the node makes its own (a cluster of one)
   */
  swarmKey: z.union([z.custom<SwarmKey>((v) => v instanceof SwarmKey), z.string()]).transform((value, ctx) => {
    if (value instanceof SwarmKey) return value
    try {
      return SwarmKey.fromSetting(value)
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message })
      return z.NEVER
    }
  }).optional(),
  /** longest a step waits for the state of a peer that just connected before rendering (0: never waits) */
  peerStateWaitMs: int(0, 60_000).default(C.DEFAULT_PEER_STATE_WAIT_MS),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
}).strict()

export type NodeConfig = z.output<typeof configSchema>
export type NodeConfigInit = z.input<typeof configSchema>

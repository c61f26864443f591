import { Redis } from 'ioredis'
import type { Logger } from '../util/logger.js'
import { RedisUnavailableError } from './errors.js'
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, DEFAULT_REDIS_DB } from './constants.js'

export interface RedisConnectionInit {
  /** @default 5000 */
  connectTimeoutMs?: number
  signal?: AbortSignal
  /** receives connection errors after startup (ioredis reconnects by itself) */
  logger?: Logger
}

/** The URL with its password replaced by `***`, safe for logs and error messages */
export function redactRedisUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '<unparseable redis url>'
  }
}

/** ioredis lets a `/<db>` path in the URL override the `db` option; the explicit argument wins here */
function withoutDb (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return url
    parsed.pathname = ''
    return parsed.toString()
  } catch {
    return url
  }
}

/**
 * Opens an ioredis connection for the node (and BullMQ, which needs `maxRetriesPerRequest: null`)
 * on database `db` (a `/<db>` in the URL is ignored in favour of it).
 * At startup it must answer a PING within `connectTimeoutMs`, else RedisUnavailableError; afterwards
 * ioredis reconnects by itself and queues commands while Redis is away.
 */
export async function createRedisConnection (url: string, db: number = DEFAULT_REDIS_DB,
  init: RedisConnectionInit = {}): Promise<Redis> {
  init.signal?.throwIfAborted()
  const timeoutMs = init.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS
  const redis = new Redis(withoutDb(url), { db, maxRetriesPerRequest: null, lazyConnect: true, connectTimeout: timeoutMs })
  let lastError: unknown
  const onError = (err: unknown): void => { lastError = err }
  // without a listener ioredis prints every failed reconnect attempt as an unhandled error event
  redis.on('error', onError)
  const deadline = AbortSignal.timeout(timeoutMs)
  const signal = init.signal == null ? deadline : AbortSignal.any([deadline, init.signal])
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => { reject(signal.reason) }
      signal.addEventListener('abort', onAbort, { once: true })
      redis.ping().then(() => { resolve() }, reject).finally(() => { signal.removeEventListener('abort', onAbort) })
      redis.connect().catch((err: unknown) => { lastError = err })
    })
  } catch (err) {
    redis.disconnect()
    if (init.signal?.aborted === true) throw init.signal.reason
    const cause = lastError ?? err
    const detail = cause instanceof Error && cause.message !== '' ? cause.message : 'no answer'
    throw new RedisUnavailableError(`cannot reach Redis at ${redactRedisUrl(url)} (db ${db}) within ${timeoutMs} ms: ${detail}`, { cause })
  } finally {
    redis.off('error', onError)
  }
  // ioredis reconnects by itself and commands wait meanwhile (maxRetriesPerRequest: null)
  const log = init.logger?.child({ component: 'state:redis' })
  redis.on('error', (err: unknown) => { log?.warn({ err }, 'redis connection error') })
  return redis
}

import { Redis, type RedisOptions } from 'ioredis'
import type { Logger } from '../util/index.js'
import { readFile } from 'node:fs/promises'
import { InvalidRedisUrlError, RedisPasswordFileError, RedisUnavailableError } from './errors.js'
import { DEFAULT_REDIS_CONNECT_TIMEOUT_MS, DEFAULT_REDIS_DB, REDIS_RECONNECT_MAX_DELAY_MS } from './constants.js'

export interface RedisConnectionInit {
  /** @default 5000 */
  connectTimeoutMs?: number
  signal?: AbortSignal
  /** receives connection errors after startup (ioredis reconnects by itself) */
  logger?: Logger
}

/**
 * The URL with its password replaced by `***`, safe for logs and error messages (also the `password`
 * parameter of a `unix://` URL)
 */
export function redactRedisUrl (url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***')
    return parsed.toString()
  } catch {
    return '<unparseable redis url>'
  }
}

/**
 * How long ioredis waits before its next reconnect attempt: growing to at most a few seconds and never
 * giving up, so a client (the node's, BullMQ's, a remote worker's) is back within that long of its Redis
 * coming back, however long it was away
 */
export function reconnectDelay (attempt: number): number {
  return Math.min(attempt * 100, REDIS_RECONNECT_MAX_DELAY_MS)
}

/** Where and how to reach Redis: what ioredis and BullMQ both take */
export type RedisEndpoint = Pick<RedisOptions, 'host' | 'port' | 'path' | 'username' | 'password' | 'tls' | 'db'>

/**
 * The endpoint of a Redis URL on database `db`:
 * - `redis://[user][:password]@host[:port]` and `rediss://...` (TLS); a `/<db>` path is ignored in favour of `db`,
 *   so every connection of the node (its own, BullMQ's) lands in the same database;
 * - `unix:///path/to/redis.sock[?password=...]`, a local server's socket (fewer syscalls per command than TCP).
 */
export function redisEndpoint (url: string, db: number): RedisEndpoint {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new InvalidRedisUrlError(`not a Redis URL: ${redactRedisUrl(url)} (use redis://, rediss:// or unix:///path/to/redis.sock)`)
  }
  const credentials = {
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password !== '' ? { password: decodeURIComponent(parsed.password) } : {})
  }
  switch (parsed.protocol) {
    case 'unix:': {
      if (parsed.hostname !== '' || parsed.pathname === '' || parsed.pathname === '/') {
        throw new InvalidRedisUrlError(`a unix socket URL needs an absolute path (unix:///path/to/redis.sock), got ${redactRedisUrl(url)}`)
      }
      const password = parsed.searchParams.get('password')
      return { path: decodeURIComponent(parsed.pathname), ...credentials, ...(password != null ? { password } : {}), db }
    }
    case 'redis:':
    case 'rediss:':
      if (parsed.hostname === '') throw new InvalidRedisUrlError(`the Redis URL ${redactRedisUrl(url)} has no host`)
      return {
        host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
        port: parsed.port === '' ? 6379 : Number(parsed.port),
        ...credentials,
        ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
        db
      }
    default:
      throw new InvalidRedisUrlError(`unsupported Redis URL scheme ${parsed.protocol} in ${redactRedisUrl(url)} (use redis://, rediss:// or unix://)`)
  }
}

/** `unix:///path/to/redis.sock?password=...`, the URL of a local server's socket that redisEndpoint reads back */
export function unixSocketUrl (path: string, password?: string): string {
  const url = new URL('unix:///')
  // the setter escapes what a path may hold but a URL path may not (space, ?, #), except % itself
  url.pathname = path.replaceAll('%', '%25')
  if (password != null) url.searchParams.set('password', password)
  return url.toString()
}

/** The password in a password file (its first line), e.g. a worker's copy of a node's `<data dir>/redis/password` */
export async function readRedisPassword (file: string): Promise<string> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new RedisPasswordFileError(`cannot read the Redis password file ${file}: ${(err as Error).message}`)
  }
  const password = text.split('\n')[0]?.trim() ?? ''
  if (password === '') throw new RedisPasswordFileError(`the Redis password file ${file} is empty`)
  return password
}

/** The Redis URL with `password` in it (the `password` parameter of a `unix://` URL), replacing any there */
export function withRedisPassword (url: string, password: string): string {
  const parsed = new URL(url)
  if (parsed.protocol === 'unix:') parsed.searchParams.set('password', password)
  else parsed.password = encodeURIComponent(password)
  return parsed.toString()
}

/**
 * Opens an ioredis connection for the node (and BullMQ, which needs `maxRetriesPerRequest: null`)
 * to a URL `redisEndpoint` accepts, on database `db`.
 * At startup it must answer a PING within `connectTimeoutMs`, else RedisUnavailableError; afterwards
 * ioredis reconnects by itself and queues commands while Redis is away.
 */
export async function createRedisConnection (url: string, db: number = DEFAULT_REDIS_DB,
  init: RedisConnectionInit = {}): Promise<Redis> {
  init.signal?.throwIfAborted()
  const timeoutMs = init.connectTimeoutMs ?? DEFAULT_REDIS_CONNECT_TIMEOUT_MS
  const redis = new Redis({ ...redisEndpoint(url, db), maxRetriesPerRequest: null, retryStrategy: reconnectDelay, lazyConnect: true, connectTimeout: timeoutMs })
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

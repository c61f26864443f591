import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { silentLogger, type Logger } from '../util/logger.js'
import { MANAGED_REDIS_READY_TIMEOUT_MS, MANAGED_REDIS_STOP_TIMEOUT_MS } from './constants.js'
import { ManagedRedisStartError, RedisNotInstalledError } from './errors.js'
import { clearStaleRedis } from './stale-redis.js'

export interface ManagedRedisInit {
  /** the node's data dir; Redis keeps its AOF, config and pidfile in `<dataDir>/redis` */
  dataDir: string
  logger?: Logger
  signal?: AbortSignal
  /** @default 'redis-server' (looked up on PATH) */
  redisServerPath?: string
  /** @default 60000 */
  readyTimeoutMs?: number
}

export interface ManagedRedis {
  /** `redis://:<password>@127.0.0.1:<port>` (no db: pass it to createRedisConnection) */
  readonly url: string
  readonly port: number
  /** `<dataDir>/redis` */
  readonly dir: string
  readonly pid: number
  /** SIGTERM (Redis fsyncs the AOF), waits for the exit. Idempotent. */
  stop(): Promise<void>
}

/** a port taken between the free-port probe and redis-server's bind is retried with another one */
const BIND_ATTEMPTS = 3

/**
 * Starts the node's private redis-server (the embedded default when no REDIS_URL is configured).
 * TCP on 127.0.0.1 with a free port rather than a unix socket: every client (ioredis, BullMQ, a
 * second process) takes the URL as it is, and socket paths under a deep data dir can pass the
 * 107-byte limit. A random password (in a 0600 config file, not on the command line) keeps other
 * local users out. AOF on (`appendfsync everysec`), RDB snapshots off.
 */
export async function startManagedRedis (init: ManagedRedisInit): Promise<ManagedRedis> {
  init.signal?.throwIfAborted()
  const log = (init.logger ?? silentLogger()).child({ component: 'state:managed-redis' })
  const dir = resolve(init.dataDir, 'redis')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const pidFile = join(dir, 'redis.pid')
  await clearStaleRedis(dir, pidFile, MANAGED_REDIS_STOP_TIMEOUT_MS, log)
  const password = randomBytes(24).toString('hex')
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const confFile = join(dir, 'redis.conf')
    await writeFile(confFile, config({ dir, pidFile, port, password }), { mode: 0o600 })
    try {
      const child = await launch(init.redisServerPath ?? 'redis-server', confFile, init.readyTimeoutMs ?? MANAGED_REDIS_READY_TIMEOUT_MS, init.signal)
      log.info({ port, dir, pid: child.pid }, 'managed redis-server is ready')
      return handle(child, port, dir, password, log)
    } catch (err) {
      if (err instanceof PortTakenError && attempt < BIND_ATTEMPTS) continue
      if (err instanceof PortTakenError) throw new ManagedRedisStartError(`redis-server could not bind a free port on 127.0.0.1 after ${BIND_ATTEMPTS} attempts`)
      throw err
    }
  }
}

class PortTakenError extends Error {}

function quote (value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

function config (c: { dir: string, pidFile: string, port: number, password: string }): string {
  return [
    '# written by artdag at every start of the managed redis-server',
    'bind 127.0.0.1', `port ${c.port}`, 'protected-mode yes', `requirepass ${c.password}`,
    `dir ${quote(c.dir)}`, `pidfile ${quote(c.pidFile)}`, 'daemonize no', 'logfile ""',
    'appendonly yes', 'appendfsync everysec', 'save ""', ''
  ].join('\n')
}

async function launch (binary: string, confFile: string, readyTimeoutMs: number, signal?: AbortSignal): Promise<ChildProcess> {
  const child = spawn(binary, [confFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000) }
  let ready = (): void => {}
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ManagedRedisStartError(`redis-server was not ready within ${readyTimeoutMs} ms: ${tail(output)}`))
      }, readyTimeoutMs)
      const onAbort = (): void => { reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      const done = (err?: Error): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (err == null) resolve()
        else reject(err)
      }
      ready = () => { if (output.includes('Ready to accept connections')) done() }
      child.stdout?.on('data', ready)
      child.once('error', (err: NodeJS.ErrnoException) => {
        done(err.code === 'ENOENT'
          ? new RedisNotInstalledError(`${binary} was not found: install Redis (Debian: apt-get install redis-server) or set REDIS_URL to an existing Redis`)
          : new ManagedRedisStartError(`${binary} could not be started: ${err.message}`))
      })
      child.once('exit', (code, sig) => {
        done(output.includes('Address already in use')
          ? new PortTakenError()
          : new ManagedRedisStartError(`redis-server exited during startup (${sig ?? `code ${String(code)}`}): ${tail(output)}`))
      })
    })
  } catch (err) {
    if (child.exitCode == null && child.pid != null) child.kill('SIGKILL')
    throw err
  } finally {
    child.stdout?.off('data', collect)
    child.stderr?.off('data', collect)
    child.stdout?.off('data', ready)
  }
  // keep draining so a full pipe never blocks redis-server
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

function handle (child: ChildProcess, port: number, dir: string, password: string, log: Logger): ManagedRedis {
  // if the node exits without stop() (an uncaught error), take the server down with it
  const onExit = (): void => { child.kill('SIGTERM') }
  process.once('exit', onExit)
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode != null || child.signalCode != null) resolve()
    else child.once('exit', () => { resolve() })
  })
  let stopping: Promise<void> | undefined
  exited.then(() => {
    if (stopping == null) log.error({ pid: child.pid, code: child.exitCode, signal: child.signalCode }, 'managed redis-server exited unexpectedly')
    else log.info({ pid: child.pid }, 'managed redis-server stopped')
  }, () => {})
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    port,
    dir,
    pid: child.pid ?? 0,
    async stop () {
      stopping ??= (async () => {
        process.off('exit', onExit)
        if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
        const timer = setTimeout(() => { child.kill('SIGKILL') }, MANAGED_REDIS_STOP_TIMEOUT_MS)
        await exited
        clearTimeout(timer)
      })()
      await stopping
    }
  }
}

function tail (output: string): string {
  const lines = output.trim().split('\n').slice(-5).join(' | ')
  return lines === '' ? '(no output)' : lines
}

async function freePort (): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

import type { ChildProcess } from 'node:child_process'
import { mkdir, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { silentLogger, type Logger } from '../util/index.js'
import { MANAGED_REDIS_READY_TIMEOUT_MS, MANAGED_REDIS_RESTART_DELAY_MS, MANAGED_REDIS_RESTART_MAX_DELAY_MS, MANAGED_REDIS_STOP_TIMEOUT_MS } from './constants.js'
import { ManagedRedisStartError } from './errors.js'
import { launch, PortTakenError } from './managed-redis-launch.js'
import { clearStaleRedis } from './stale-redis.js'
import { unixSocketUrl } from './connection.js'
import { connectHost, freePort, loadEndpoint, recordPort } from './managed-redis-endpoint.js'

export interface ManagedRedisInit {
  /** the node's data dir; Redis keeps its AOF, config and pidfile in `<dataDir>/redis` */
  dataDir: string
  logger?: Logger
  signal?: AbortSignal
  /** @default 'redis-server' (looked up on PATH) */
  redisServerPath?: string
  /** @default 60000 */
  readyTimeoutMs?: number
  /**
   * when redis-server dies on its own (killed, crashed), start it again on the same port and password
   * (AOF replayed), so every client reconnects to the same URL @default true
   */
  restart?: boolean
  /** first wait before a restart; doubled after each failed attempt up to 10 s @default 200 */
  restartDelayMs?: number
  /**
   * the addresses redis-server listens on for TCP clients; a non-loopback one lets workers on other
   * machines in (the password is always required) @default ['127.0.0.1']
   */
  bind?: string[]
}

export interface ManagedRedis {
  /** `redis://:<password>@127.0.0.1:<port>` (no db: pass it to createRedisConnection), for any process on this machine */
  readonly url: string
  /**
   * `unix://<dir>/redis.sock?password=<password>`, for clients on this machine: a command over the unix
   * socket costs fewer syscalls than over loopback TCP. The TCP `url` when the data dir is too deep for a
   * socket path (the kernel's limit is 107 bytes).
   */
  readonly localUrl: string
  /** the same at every start of the data dir (recorded in `<dir>/port`) */
  readonly port: number
  /** the addresses it listens on for TCP clients */
  readonly bind: readonly string[]
  /** `<dir>/password`, owner-only: the password, the same at every start (what `artdag worker --redis-password-file` reads) */
  readonly passwordFile: string
  /** `<dataDir>/redis` */
  readonly dir: string
  /** pid of the current redis-server (changes when it is restarted) */
  readonly pid: number
  /** how many times the server was restarted after dying on its own */
  readonly restarts: number
  /** SIGTERM (Redis fsyncs the AOF), waits for the exit. Idempotent. */
  stop(): Promise<void>
}

/** at the first start, a port taken between the free-port probe and redis-server's bind is retried with another one */
const BIND_ATTEMPTS = 3

/** the longest unix socket path the kernel takes (sun_path is 108 bytes with its NUL) */
const MAX_SOCKET_PATH = 107

/**
 * Starts the node's private redis-server (the embedded default when no REDIS_URL is configured).
 * It listens on TCP (`bind`, 127.0.0.1 by default) for every client (a worker process, on this machine or
 * another), and on a unix socket in its dir (owner only), which the node itself uses: cheaper per
 * command. A data dir too deep for the socket path's 107 bytes gets TCP only. A password (owner-only
 * file, also in the 0600 config file, never on the command line) is always required. The port and the
 * password are chosen at the first start and kept (see loadEndpoint), so clients configured once keep
 * working across restarts of the node. When the recorded port is taken at a later start, the start fails
 * saying so rather than moving to another port: workers elsewhere were given that port, and a node that
 * moved would strand them without a word. AOF on (`appendfsync everysec`), RDB snapshots off. A server
 * that dies on its own is started again on the same port (see SupervisedRedis).
 */
export async function startManagedRedis (init: ManagedRedisInit): Promise<ManagedRedis> {
  init.signal?.throwIfAborted()
  const log = (init.logger ?? silentLogger()).child({ component: 'state:managed-redis' })
  const dir = resolve(init.dataDir, 'redis')
  await mkdir(dir, { recursive: true, mode: 0o700 })
  const pidFile = join(dir, 'redis.pid')
  const socketFile = join(dir, 'redis.sock')
  const socket = Buffer.byteLength(socketFile) <= MAX_SOCKET_PATH ? socketFile : undefined
  const bind = init.bind ?? ['127.0.0.1']
  await clearStaleRedis(dir, pidFile, MANAGED_REDIS_STOP_TIMEOUT_MS, log)
  const endpoint = await loadEndpoint(dir)
  const { password } = endpoint
  for (let attempt = 1; ; attempt++) {
    const recorded = endpoint.port
    const port = recorded ?? await freePort(bind[0] ?? '127.0.0.1')
    const confFile = join(dir, 'redis.conf')
    await writeFile(confFile, config({ dir, pidFile, port, password, socket, bind }), { mode: 0o600 })
    try {
      const relaunch = async (signal?: AbortSignal): Promise<ChildProcess> =>
        await launch(init.redisServerPath ?? 'redis-server', confFile, init.readyTimeoutMs ?? MANAGED_REDIS_READY_TIMEOUT_MS, signal)
      const child = await relaunch(init.signal)
      if (recorded == null) await recordPort(endpoint, port)
      log.info({ port, bind, dir, pid: child.pid }, 'managed redis-server is ready')
      return new SupervisedRedis(child, {
        port, bind, dir, password, passwordFile: endpoint.passwordFile, socket, log, relaunch,
        restart: init.restart ?? true, restartDelayMs: init.restartDelayMs ?? MANAGED_REDIS_RESTART_DELAY_MS
      })
    } catch (err) {
      if (!(err instanceof PortTakenError)) throw err
      if (recorded != null) {
        throw new ManagedRedisStartError(`the managed redis-server's port ${port} (kept in ${endpoint.portFile}) is taken by another process on ${bind.join(', ')}: ` +
          `stop that process, or delete ${endpoint.portFile} to have a new port chosen (then give workers the new one)`)
      }
      if (attempt >= BIND_ATTEMPTS) throw new ManagedRedisStartError(`redis-server could not bind a free port on ${bind.join(', ')} after ${BIND_ATTEMPTS} attempts`)
    }
  }
}

function quote (value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}

function config (c: { dir: string, pidFile: string, port: number, password: string, socket?: string, bind: readonly string[] }): string {
  return [
    '# written by artdag at every start of the managed redis-server',
    // protected mode only refuses password-less access from outside, and a password is always set
    `bind ${c.bind.join(' ')}`, `port ${c.port}`, 'protected-mode yes', `requirepass ${c.password}`,
    ...(c.socket != null ? [`unixsocket ${quote(c.socket)}`, 'unixsocketperm 700'] : []),
    `dir ${quote(c.dir)}`, `pidfile ${quote(c.pidFile)}`, 'daemonize no', 'logfile ""',
    'appendonly yes', 'appendfsync everysec', 'save ""', ''
  ].join('\n')
}

interface SupervisorInit {
  port: number
  bind: readonly string[]
  dir: string
  password: string
  passwordFile: string
  /** the unix socket it also listens on */
  socket?: string
  log: Logger
  relaunch: (signal?: AbortSignal) => Promise<ChildProcess>
  restart: boolean
  restartDelayMs: number
}

/**
 * Owns the running redis-server. An exit that stop() did not ask for is a fault: the server is started
 * again from the same config file (same port and password, so ioredis and BullMQ clients, remote
 * workers included, reconnect by themselves; the AOF brings the data back), retrying with backoff
 * until it is up or stop() is called.
 */
class SupervisedRedis implements ManagedRedis {
  readonly url: string
  readonly localUrl: string
  readonly port: number
  readonly bind: readonly string[]
  readonly passwordFile: string
  readonly dir: string
  restarts = 0
  private child: ChildProcess
  private exited!: Promise<void>
  private stopping?: Promise<void>
  private restarting?: Promise<void>
  /** ends the wait before the next restart attempt (stop() does not wait out a backoff) */
  private wake?: () => void
  private readonly onProcessExit = (): void => { this.child.kill('SIGTERM') }

  constructor (child: ChildProcess, private readonly init: SupervisorInit) {
    this.url = `redis://:${init.password}@${connectHost(init.bind)}:${init.port}`
    this.localUrl = init.socket == null
      ? this.url
      : unixSocketUrl(init.socket, init.password)
    this.port = init.port
    this.bind = init.bind
    this.passwordFile = init.passwordFile
    this.dir = init.dir
    this.child = child
    // if the node exits without stop() (an uncaught error), take the server down with it
    process.once('exit', this.onProcessExit)
    this.watch(child)
  }

  get pid (): number {
    return this.child.pid ?? 0
  }

  private watch (child: ChildProcess): void {
    this.exited = new Promise<void>((resolve) => {
      if (child.exitCode != null || child.signalCode != null) resolve()
      else child.once('exit', () => { resolve() })
    })
    this.exited.then(() => {
      if (this.stopping != null) {
        this.init.log.info({ pid: child.pid }, 'managed redis-server stopped')
        return
      }
      this.init.log.error({ pid: child.pid, code: child.exitCode, signal: child.signalCode }, 'managed redis-server exited unexpectedly')
      if (this.init.restart) {
        this.restarting = this.restartLoop().catch((err: unknown) => { this.init.log.error({ err }, 'managed redis-server restart loop failed') })
      }
    }, () => {})
  }

  private async restartLoop (): Promise<void> {
    let delay = this.init.restartDelayMs
    while (this.stopping == null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.wake = undefined; resolve() }, delay)
        this.wake = () => { clearTimeout(timer); resolve() }
      })
      if (this.stopping != null) return
      try {
        const child = await this.init.relaunch()
        if (this.stopping != null) {
          child.kill('SIGTERM')
          return
        }
        this.child = child
        this.restarts++
        this.init.log.warn({ pid: child.pid, port: this.port, restarts: this.restarts }, 'managed redis-server restarted')
        this.watch(child)
        return
      } catch (err) {
        this.init.log.error({ err, port: this.port, retryInMs: delay * 2 }, 'managed redis-server did not come back; retrying')
        delay = Math.min(delay * 2, MANAGED_REDIS_RESTART_MAX_DELAY_MS)
      }
    }
  }

  async stop (): Promise<void> {
    this.stopping ??= (async () => {
      process.off('exit', this.onProcessExit)
      this.wake?.()
      await this.restarting
      const child = this.child
      if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
      const timer = setTimeout(() => { child.kill('SIGKILL') }, MANAGED_REDIS_STOP_TIMEOUT_MS)
      await this.exited
      clearTimeout(timer)
    })()
    await this.stopping
  }
}

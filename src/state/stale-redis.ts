import { readFile, readlink, realpath, rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../util/index.js'
import { ManagedRedisInUseError } from './errors.js'

/**
 * A redis-server left behind by a crashed node still holds the data dir (its pidfile is there and it
 * serves the AOF). It is ours when its working directory is the dir; it is orphaned when its parent
 * is gone or is no longer a node process (reparented to init or a subreaper). An orphan is stopped
 * with SIGTERM (Redis fsyncs the AOF on shutdown), SIGKILL after `stopTimeoutMs`; a redis-server whose
 * parent is a live node process belongs to another running instance: ManagedRedisInUseError.
 */
export async function clearStaleRedis (dir: string, pidFile: string, stopTimeoutMs: number, log: Logger): Promise<void> {
  const pid = await readPid(pidFile)
  if (pid == null) return
  if (!isAlive(pid) || !await runsIn(pid, dir)) {
    log.info({ pid }, 'removing the pidfile of a redis-server that is gone')
    await rm(pidFile, { force: true })
    return
  }
  const parent = await parentOf(pid)
  if (parent != null && parent !== 1 && isAlive(parent) && (await commandOf(parent)).includes('node')) {
    throw new ManagedRedisInUseError(`the Redis data dir ${dir} is in use: its redis-server (pid ${pid}) belongs to another running process (pid ${parent})`)
  }
  log.warn({ pid }, 'stopping the redis-server left behind by a previous run')
  process.kill(pid, 'SIGTERM')
  if (!await exited(pid, stopTimeoutMs)) {
    log.warn({ pid }, 'redis-server ignored SIGTERM; killing it')
    process.kill(pid, 'SIGKILL')
    await exited(pid, 5_000)
  }
  await rm(pidFile, { force: true })
}

async function readPid (pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number.parseInt((await readFile(pidFile, 'utf8')).trim(), 10)
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

export function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: alive but someone else's, so certainly not a redis-server we started
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function runsIn (pid: number, dir: string): Promise<boolean> {
  try {
    return await readlink(`/proc/${pid}/cwd`) === await realpath(dir) && (await commandOf(pid)).includes('redis-server')
  } catch {
    return false
  }
}

async function commandOf (pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

async function parentOf (pid: number): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // "pid (comm) state ppid ...": comm may hold spaces, so read after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ppid = Number.parseInt(fields[1] ?? '', 10)
    return Number.isInteger(ppid) ? ppid : undefined
  } catch {
    return undefined
  }
}

async function exited (pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true
    await sleep(25)
  }
  return !isAlive(pid)
}

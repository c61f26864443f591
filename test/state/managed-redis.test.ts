import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ManagedRedisInUseError, ManagedRedisStartError, RedisNotInstalledError, createRedisConnection, readRedisPassword, withRedisPassword, createRedisKeys, createRunStore, startManagedRedis,
  type ManagedRedis
} from '../../src/state/index.js'
import { isAlive } from '../../src/state/stale-redis.js'
import { configFromEnv, loadConfig } from '../../src/config/index.js'
import { run } from './helpers.js'

describe('managed redis', () => {
  let dataDir: string
  const servers: ManagedRedis[] = []
  beforeEach(async () => { dataDir = await mkdtemp(join(tmpdir(), 'artdag-managed-redis-')) })
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(async (s) => { await s.stop() }))
    await rm(dataDir, { recursive: true, force: true })
  })

  const start = async (): Promise<ManagedRedis> => {
    const server = await startManagedRedis({ dataDir })
    servers.push(server)
    return server
  }

  async function writeRun (server: ManagedRedis): Promise<ReturnType<typeof run>> {
    const redis = await createRedisConnection(server.url, 5)
    const record = run()
    await createRunStore({ redis, keys: createRedisKeys('artdag:') }).create(record)
    await redis.quit()
    return record
  }

  async function readRun (server: ManagedRedis, id: ReturnType<typeof run>['id']): Promise<unknown> {
    const redis = await createRedisConnection(server.url, 5)
    const found = await createRunStore({ redis, keys: createRedisKeys('artdag:') }).get(id)
    await redis.quit()
    return found
  }

  it('should keep runs across a stop and a restart on the same data dir', async () => {
    const first = await start()
    expect(first.url).toMatch(/^redis:\/\/:[0-9a-f]{48}@127\.0\.0\.1:\d+$/)
    expect(first.localUrl).toMatch(/^unix:\/\/\/.*\/redis\/redis\.sock\?password=[0-9a-f]{48}$/)
    expect(first.dir).toBe(join(dataDir, 'redis'))
    const record = await writeRun(first)
    await first.stop()
    await first.stop()
    expect(isAlive(first.pid)).toBe(false)
    const conf = await stat(join(dataDir, 'redis', 'redis.conf'))
    expect(conf.mode & 0o077).toBe(0)
    const second = await start()
    expect(await readRun(second, record.id)).toEqual(record)
  })

  it('should come back on the same port and password at every start, both kept in owner-only files', async () => {
    const first = await start()
    await first.stop()
    const second = await start()
    expect(second.url).toBe(first.url)
    expect(second.port).toBe(first.port)
    expect(second.passwordFile).toBe(join(dataDir, 'redis', 'password'))
    const password = await readRedisPassword(second.passwordFile)
    expect(first.url).toBe(`redis://:${password}@127.0.0.1:${first.port}`)
    expect(Number((await readFile(join(dataDir, 'redis', 'port'), 'utf8')).trim())).toBe(first.port)
    for (const file of ['password', 'port', 'redis.conf']) expect((await stat(join(dataDir, 'redis', file))).mode & 0o077).toBe(0)
    // the password file is what a worker uses: the URL without a password plus the file reach the server
    const redis = await createRedisConnection(withRedisPassword(`redis://127.0.0.1:${second.port}`, password), 5)
    expect(await redis.ping()).toBe('PONG')
    redis.disconnect()
    // without the password, nothing
    const anonymous = await createRedisConnection(`redis://127.0.0.1:${second.port}`, 5, { connectTimeoutMs: 1000 }).catch((e: unknown) => e)
    expect((anonymous as Error).message).toContain('NOAUTH')
  })

  it('should refuse to start, naming the port and its file, when its kept port is taken', async () => {
    const first = await start()
    await first.stop()
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(first.port, '127.0.0.1', resolve))
    try {
      const err = await startManagedRedis({ dataDir }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ManagedRedisStartError)
      const portFile = join(dataDir, 'redis', 'port')
      expect((err as Error).message).toBe(`the managed redis-server's port ${first.port} (kept in ${portFile}) is taken by another process on 127.0.0.1: ` +
        `stop that process, or delete ${portFile} to have a new port chosen (then give workers the new one)`)
    } finally {
      await new Promise((resolve) => squatter.close(resolve))
    }
  })

  it('should listen on the addresses it is told to bind, the password still required', async () => {
    const server = await startManagedRedis({ dataDir, bind: ['127.0.0.2'] })
    servers.push(server)
    expect(server.bind).toEqual(['127.0.0.2'])
    expect(server.url).toMatch(/@127\.0\.0\.2:\d+$/)
    expect(await readFile(join(dataDir, 'redis', 'redis.conf'), 'utf8')).toMatch(/^bind 127\.0\.0\.2$/m)
    const redis = await createRedisConnection(server.url, 5)
    expect(await redis.ping()).toBe('PONG')
    redis.disconnect()
    const loopback = await createRedisConnection(`redis://127.0.0.1:${server.port}`, 5, { connectTimeoutMs: 1000 }).catch((e: unknown) => e)
    expect((loopback as Error).message).toContain('ECONNREFUSED')
  })

  it('should serve this machine over an owner-only unix socket, the same data as over TCP', async () => {
    const server = await start()
    const local = await createRedisConnection(server.localUrl, 5)
    const tcp = await createRedisConnection(server.url, 5)
    await local.set('over-the-socket', 'yes')
    expect(await tcp.get('over-the-socket')).toBe('yes')
    expect(local.options.path).toBe(join(dataDir, 'redis', 'redis.sock'))
    const socket = await stat(join(dataDir, 'redis', 'redis.sock'))
    expect(socket.isSocket()).toBe(true)
    expect(socket.mode & 0o077).toBe(0)
    local.disconnect()
    tcp.disconnect()
  })

  it('should fall back to TCP for clients on this machine when the socket path would be too long', async () => {
    const deep = join(dataDir, 'd'.repeat(120 - dataDir.length))
    const server = await startManagedRedis({ dataDir: deep })
    servers.push(server)
    expect(server.localUrl).toBe(server.url)
    const redis = await createRedisConnection(server.localUrl, 5)
    expect(await redis.ping()).toBe('PONG')
    redis.disconnect()
  })

  it('should refuse a data dir whose redis-server a live process still runs', async () => {
    const first = await start()
    const err = await startManagedRedis({ dataDir }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ManagedRedisInUseError)
    expect((err as Error).message).toBe(
      `the Redis data dir ${join(dataDir, 'redis')} is in use: its redis-server (pid ${first.pid}) belongs to another running process (pid ${process.pid})`)
  })

  it('should take over from the redis-server of a crashed run', async () => {
    const first = await start()
    const record = await writeRun(first)
    await first.stop()
    // what a crash leaves behind: the server keeps running, reparented, with its pidfile in the dir
    const pidFile = join(dataDir, 'redis', 'redis.pid')
    const launcher = spawn('sh', ['-c', `redis-server "${join(dataDir, 'redis', 'redis.conf')}" >/dev/null 2>&1 &`], { stdio: 'ignore' })
    await new Promise((resolve) => launcher.once('exit', resolve))
    let orphan = 0
    for (let i = 0; i < 500 && orphan === 0; i++) {
      // the pidfile may be seen empty for a moment after its creation
      const pid = Number.parseInt(await readFile(pidFile, 'utf8').catch(() => ''), 10)
      if (Number.isInteger(pid) && pid > 0) orphan = pid
      else await sleep(20)
    }
    expect(isAlive(orphan)).toBe(true)
    const second = await start()
    expect(isAlive(orphan)).toBe(false)
    expect(second.pid).not.toBe(orphan)
    expect(await readRun(second, record.id)).toEqual(record)
  })

  it('should remove a stale pidfile of a process that is gone', async () => {
    const first = await start()
    await first.stop()
    const { writeFile } = await import('node:fs/promises')
    await writeFile(join(dataDir, 'redis', 'redis.pid'), '999999\n')
    const second = await start()
    expect(isAlive(second.pid)).toBe(true)
  })

  it('should say clearly when redis-server is not installed', async () => {
    const err = await startManagedRedis({ dataDir, redisServerPath: 'redis-server-that-does-not-exist' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RedisNotInstalledError)
    expect((err as Error).message).toBe('redis-server-that-does-not-exist was not found: install Redis (Debian: apt-get install redis-server) or set REDIS_URL to an existing Redis')
  })

  it('should abort when passed an aborted signal', async () => {
    await expect(startManagedRedis({ dataDir, signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
  })
  it('should start the server again on the same URL when it dies on its own, with its data, and not after stop', async () => {
    const server = await start()
    const record = await writeRun(server)
    const client = await createRedisConnection(server.url, 5)
    const local = await createRedisConnection(server.localUrl, 5)
    const killed = server.pid
    process.kill(killed, 'SIGKILL')
    const deadline = Date.now() + 20_000
    while (server.restarts === 0 && Date.now() < deadline) await sleep(50)
    expect(server.restarts).toBe(1)
    expect(server.pid).not.toBe(killed)
    expect(isAlive(server.pid)).toBe(true)
    // the same URL answers, the AOF brought the run back, and an open client reconnected by itself
    expect(await readRun(server, record.id)).toEqual(record)
    expect(await client.ping()).toBe('PONG')
    expect(await local.ping()).toBe('PONG')
    client.disconnect()
    local.disconnect()
    const last = server.pid
    await server.stop()
    await sleep(500)
    expect(isAlive(last)).toBe(false)
    expect(server.restarts).toBe(1)
  })
})

describe('ARTDAG_REDIS_BIND', () => {
  it('should default to loopback and take a list of IP addresses', () => {
    expect(loadConfig(configFromEnv({}, '/nonexistent/.env')).redisBind).toEqual(['127.0.0.1'])
    expect(loadConfig(configFromEnv({ ARTDAG_REDIS_BIND: '127.0.0.1, 10.1.2.3,::1' }, '/nonexistent/.env')).redisBind).toEqual(['127.0.0.1', '10.1.2.3', '::1'])
  })

  it('should refuse what is not an IP address, naming it', () => {
    expect(() => loadConfig(configFromEnv({ ARTDAG_REDIS_BIND: '127.0.0.1,redis.example' }, '/nonexistent/.env')))
      .toThrow('redisBind (ARTDAG_REDIS_BIND): "redis.example" is not an IP address (e.g. 127.0.0.1, 10.0.0.5, 0.0.0.0)')
  })
})

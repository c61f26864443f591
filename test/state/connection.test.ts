import { afterEach, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { InvalidRedisUrlError, RedisUnavailableError, createRedisConnection, redactRedisUrl, redisEndpoint } from '../../src/state/index.js'
import { unixSocketUrl } from '../../src/state/connection.js'
import { configSchema } from '../../src/config/index.js'
import { freePort } from '../fixtures/redis-server.js'
import { testRedis, testRedisUrl } from '../fixtures/redis.js'

describe('createRedisConnection', () => {
  const opened: Redis[] = []
  afterEach(async () => { await Promise.all(opened.splice(0).map(async (r) => await r.quit())) })

  it('should connect to the chosen db with retries suitable for BullMQ', async () => {
    const redis = await createRedisConnection(testRedisUrl(), 3)
    opened.push(redis)
    expect(await redis.ping()).toBe('PONG')
    expect(redis.options.db).toBe(3)
    expect(redis.options.maxRetriesPerRequest).toBeNull()
    // the URL says /5; the data really lands in db 3
    const key = `conn-test:${Date.now()}:${Math.random()}`
    await redis.set(key, 'x', 'EX', 30)
    const db5 = testRedis()
    opened.push(db5)
    expect(await db5.exists(key)).toBe(0)
    await redis.del(key)
  })

  it('should fail with RedisUnavailableError when nothing listens', async () => {
    const port = await freePort()
    const started = Date.now()
    const err = await createRedisConnection(`redis://:hunter2@127.0.0.1:${port}`, 5, { connectTimeoutMs: 400 }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(err).toBeInstanceOf(RedisUnavailableError)
    expect((err as Error).message).toBe(
      `cannot reach Redis at redis://:***@127.0.0.1:${port} (db 5) within 400 ms: connect ECONNREFUSED 127.0.0.1:${port}`)
  })

  it('should abort when passed an aborted signal', async () => {
    await expect(createRedisConnection(testRedisUrl(), 5, { signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
  })

  it('should hide the password of a URL', () => {
    expect(redactRedisUrl('redis://:s3cret@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379')
    expect(redactRedisUrl('unix:///run/redis.sock?password=s3cret')).toBe('unix:///run/redis.sock?password=***')
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
    expect(redactRedisUrl('::nope')).toBe('<unparseable redis url>')
  })
})

describe('redisEndpoint', () => {
  it('should read host, port, credentials and TLS from redis:// and rediss:// URLs, with the db given', () => {
    expect(redisEndpoint('redis://127.0.0.1:6390/3', 5)).toEqual({ host: '127.0.0.1', port: 6390, db: 5 })
    expect(redisEndpoint('redis://ann:p%40ss@cache.example:7000', 2)).toEqual({ host: 'cache.example', port: 7000, username: 'ann', password: 'p@ss', db: 2 })
    expect(redisEndpoint('rediss://:pw@[::1]', 0)).toEqual({ host: '::1', port: 6379, password: 'pw', tls: {}, db: 0 })
  })

  it('should read a unix socket URL, and give back the path and password unixSocketUrl wrote', () => {
    expect(redisEndpoint('unix:///run/redis/redis.sock', 5)).toEqual({ path: '/run/redis/redis.sock', db: 5 })
    const odd = '/tmp/a b/x?y#z%20/redis.sock'
    expect(redisEndpoint(unixSocketUrl(odd, 'p&w=1'), 1)).toEqual({ path: odd, password: 'p&w=1', db: 1 })
  })

  it.each([
    ['not a url', /^not a Redis URL: <unparseable redis url>/],
    ['http://127.0.0.1:6379', /^unsupported Redis URL scheme http: in http:\/\/127\.0\.0\.1:6379\/ /],
    ['unix://host/redis.sock?password=x', /^a unix socket URL needs an absolute path \(unix:\/\/\/path\/to\/redis\.sock\), got unix:\/\/host\/redis\.sock\?password=\*\*\*$/],
    ['unix:///', /^a unix socket URL needs an absolute path/]
  ])('should refuse %s with a message naming the problem', (url, message) => {
    expect(() => redisEndpoint(url, 5)).toThrow(InvalidRedisUrlError)
    expect(() => redisEndpoint(url, 5)).toThrow(message)
  })

  it('should make a bad REDIS_URL a config error', () => {
    const parsed = configSchema.safeParse({ redisUrl: 'http://127.0.0.1:6379' })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.path).toEqual(['redisUrl'])
    expect(parsed.error?.issues[0]?.message).toMatch(/^unsupported Redis URL scheme http:/)
    expect(configSchema.parse({ redisUrl: 'unix:///run/redis.sock' }).redisUrl).toBe('unix:///run/redis.sock')
  })
})

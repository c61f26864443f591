import { afterEach, describe, expect, it } from 'vitest'
import type { Redis } from 'ioredis'
import { RedisUnavailableError, createRedisConnection, redactRedisUrl } from '../../src/state/index.js'
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
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379')
    expect(redactRedisUrl('::nope')).toBe('<unparseable redis url>')
  })
})

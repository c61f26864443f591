import { randomBytes } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { CacheId, Cid, PlanId } from '../../src/dag/ids.js'
import { createRedisKeys, type RedisKeys, type RunRecord, type RunStatus } from '../../src/state/index.js'
import { testPrefix, testRedis } from '../fixtures/redis.js'

export interface TestState {
  redis: Redis
  keys: RedisKeys
  /** deletes every key of the test's prefix and closes the connection */
  cleanup(): Promise<void>
}

export function testState (): TestState {
  const redis = testRedis()
  const keys = createRedisKeys(testPrefix())
  return {
    redis,
    keys,
    async cleanup () {
      let cursor = '0'
      do {
        const [next, found] = await redis.scan(cursor, 'MATCH', `${keys.prefix}*`, 'COUNT', 1000)
        if (found.length > 0) await redis.del(...found)
        cursor = next
      } while (cursor !== '0')
      await redis.quit()
    }
  }
}

export function hexId (): string {
  return randomBytes(32).toString('hex')
}

export const cacheId = (): CacheId => hexId() as CacheId
export const planId = (): PlanId => hexId() as PlanId
export const CID_A = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
export const CID_B = 'bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su' as Cid

export function run (overrides: Partial<RunRecord> & { stepCount?: number, status?: RunStatus } = {}): RunRecord {
  const { stepCount = 3, ...rest } = overrides
  const now = new Date().toISOString()
  return {
    id: planId(),
    status: 'pending',
    recipeName: 'test',
    inputs: [{ name: 'video', cid: CID_A }],
    steps: Array.from({ length: stepCount }, (_, i) => ({ id: `s${i}`, type: 'EFFECT', cacheId: cacheId(), status: 'pending' as const })),
    createdAt: now,
    updatedAt: now,
    ...rest
  }
}

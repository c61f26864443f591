import type { Redis } from 'ioredis'
import type { PlanId } from '../dag/ids.js'
import type { Plan } from '../dag/types.js'
import type { RedisKeys } from '../state/keys.js'
import type { PlanStorePort } from './ports.js'

/** Plans are kept next to their runs so an interrupted run can be driven again after a restart */
export function createPlanStore (components: { redis: Redis, keys: RedisKeys }): PlanStorePort {
  const { redis, keys } = components
  return {
    async putPlan (plan: Plan) { await redis.set(keys.plan(plan.id), JSON.stringify(plan)) },
    async getPlan (id: PlanId) {
      const text = await redis.get(keys.plan(id))
      return text == null ? undefined : JSON.parse(text) as Plan
    }
  }
}

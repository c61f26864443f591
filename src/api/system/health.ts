import { z } from 'zod'
import { asCid } from '../../dag/index.js'
import type { ApiComponents } from '../ports.js'
import type { checkSchema } from '../responses.js'

const HEALTH_TIMEOUT_MS = 2_000
/** how long a readiness answer is reused: probes at any rate cost Redis and the store one check a second */
const HEALTH_CACHE_MS = 1_000
/**
 * The store check asks the blockstore for one block (the empty file's CID): it proves the store answers
 * at a constant cost. Summing the store's size walked every block file on each probe, which made /health
 * slower the more the node held and starved the file reads of /cache under load.
 */
const PROBE_CID = asCid('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')

/** `?deep=1` (or `true`) asks for live checks instead of the last second's */
export const healthQuery = z.object({
  deep: z.enum(['1', 'true', '0', 'false']).optional().transform((v) => v === '1' || v === 'true')
})

export type CheckResult = z.output<typeof checkSchema>
export interface Readiness {
  ok: boolean
  /** when the checks ran (ISO time) */
  checkedAt: string
  checks: { redis: CheckResult, store: CheckResult }
}

async function check (fn: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      fn(),
      new Promise((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`no answer within ${HEALTH_TIMEOUT_MS} ms`)) }, HEALTH_TIMEOUT_MS) })
    ])
    return { ok: true, ms: Math.round((performance.now() - started) * 10) / 10 }
  } catch (err) {
    return { ok: false, ms: Math.round(performance.now() - started), error: (err as Error).message }
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Readiness of Redis and the store. `current()` answers from the last checks for HEALTH_CACHE_MS (probes
 * that arrive while checks run share them); `live()` always checks, and what it learns is then current.
 */
export class HealthChecks {
  /** the latest checks; `at` is when they finished (undefined while they run) */
  private last?: { at?: number, result: Promise<Readiness> }

  constructor (private readonly components: Pick<ApiComponents, 'redis' | 'store'>, private readonly cacheMs = HEALTH_CACHE_MS) {}

  async current (): Promise<Readiness> {
    const last = this.last
    if (last != null && (last.at == null || performance.now() - last.at < this.cacheMs)) return await last.result
    return await this.live()
  }

  async live (): Promise<Readiness> {
    const entry: { at?: number, result: Promise<Readiness> } = { result: this.run() }
    this.last = entry
    const result = await entry.result
    entry.at = performance.now()
    return result
  }

  private async run (): Promise<Readiness> {
    const { redis, store } = this.components
    const checkedAt = new Date().toISOString()
    const [redisCheck, storeCheck] = await Promise.all([check(async () => await redis.ping()), check(async () => await store.has(PROBE_CID))])
    return { ok: redisCheck.ok && storeCheck.ok, checkedAt, checks: { redis: redisCheck, store: storeCheck } }
  }
}

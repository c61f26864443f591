import { describe, expect, it } from 'vitest'
import { HealthChecks } from '../../src/api/system/health.js'
import type { ApiComponents } from '../../src/api/ports.js'

/** a Redis and a store that count their checks; `down` makes the Redis ping fail */
function fakes (): { components: Pick<ApiComponents, 'redis' | 'store'>, counts: { ping: number, has: number }, down: { redis: boolean } } {
  const counts = { ping: 0, has: 0 }
  const down = { redis: false }
  const redis = { ping: async () => { counts.ping++; if (down.redis) throw new Error('connection refused'); return 'PONG' } }
  const store = { has: async () => { counts.has++; return false } }
  return { components: { redis, store } as unknown as Pick<ApiComponents, 'redis' | 'store'>, counts, down }
}

describe('health checks', () => {
  it('should answer from the last checks within its window, and check again when asked for live checks', async () => {
    const { components, counts, down } = fakes()
    const health = new HealthChecks(components, 60_000)
    const first = await health.current()
    expect(first).toMatchObject({ ok: true, checks: { redis: { ok: true }, store: { ok: true } } })
    expect(await health.current()).toBe(first)
    expect(counts).toEqual({ ping: 1, has: 1 })
    down.redis = true
    const live = await health.live()
    expect(live).toMatchObject({ ok: false, checks: { redis: { ok: false, error: 'connection refused' }, store: { ok: true } } })
    expect(counts).toEqual({ ping: 2, has: 2 })
    // what the live checks learned is what the next probes see
    expect(await health.current()).toBe(live)
  })

  it('should share one run of checks among probes that arrive while it runs, and check again once the window passed', async () => {
    const { components, counts } = fakes()
    const health = new HealthChecks(components, 0)
    await Promise.all([health.current(), health.current(), health.current()])
    expect(counts.ping).toBe(1)
    await health.current()
    expect(counts.ping).toBe(2)
  })
})

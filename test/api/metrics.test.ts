import { describe, expect, it } from 'vitest'
import { createApiMetrics } from '../../src/api/metrics.js'
import type { ApiComponents } from '../../src/api/ports.js'
import type { CacheId, PlanId } from '../../src/dag/ids.js'
import type { ChannelEvent } from '../../src/exec/index.js'

describe('api metrics', () => {
  it('should count steps by outcome and claim waits from the step events alone', async () => {
    const listeners = new Set<(event: ChannelEvent) => void>()
    const events = { onAll: (listener: (event: ChannelEvent) => void) => { listeners.add(listener); return () => { listeners.delete(listener) } } }
    let runReads = 0
    const runs = { count: async () => 0, get: async () => { runReads++; return undefined } }
    const metrics = createApiMetrics({
      runs, store: { size: async () => 0 }, orchestrator: { events }, queueDepth: async () => 0
    } as unknown as Pick<ApiComponents, 'runs' | 'store' | 'orchestrator' | 'queueDepth'>)
    metrics.start()
    const step = (status: 'completed' | 'cached' | 'failed', source?: 'local' | 'claim'): void => {
      for (const listener of listeners) listener({ type: 'render:step:status', runId: 'r'.repeat(64) as PlanId, stepId: 's', cacheId: 'c'.repeat(64) as CacheId, status, ...(source != null ? { source } : {}) })
    }
    step('completed')
    // a SOURCE step: its input was here
    step('completed', 'local')
    step('cached', 'local')
    step('cached', 'claim')
    step('cached', 'claim')
    step('failed')
    metrics.stop()
    step('cached', 'claim')
    const text = await metrics.registry.metrics()
    expect(text).toContain('artdag_steps_total{outcome="executed"} 1')
    expect(text).toContain('artdag_steps_total{outcome="cached"} 3')
    expect(text).toContain('artdag_steps_total{outcome="failed"} 1')
    expect(text).toContain('artdag_claim_waits_total 2')
    expect(runReads).toBe(0)
  })
})

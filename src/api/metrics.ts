import type { Middleware } from 'koa'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { RenderEvent } from '../exec/index.js'
import type { ApiComponents } from './ports.js'
import { RUN_STATUSES } from './schemas.js'

export interface ApiMetrics {
  readonly registry: Registry
  /** times every request, labelled by method, route pattern and status */
  middleware(): Middleware
  /** starts counting the orchestrator's events */
  start(): void
  stop(): void
}

/**
 * Prometheus metrics of the node, in a registry of its own (several nodes can share a process in tests):
 * runs by status, steps executed vs reused, claim waits, queue depth, store size, HTTP durations.
 */
export function createApiMetrics (components: Pick<ApiComponents, 'runs' | 'store' | 'orchestrator' | 'queueDepth' | 'lostResults'>): ApiMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'artdag_' })
  const http = new Histogram({
    name: 'artdag_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry]
  })
  const steps = new Counter({
    name: 'artdag_steps_total',
    help: 'Steps finished by outcome: executed here, cached (reused), failed',
    labelNames: ['outcome'] as const,
    registers: [registry]
  })
  const claimWaits = new Counter({
    name: 'artdag_claim_waits_total',
    help: 'Steps whose result came from another worker holding the claim (waited instead of computing)',
    registers: [registry]
  })
  new Gauge({
    name: 'artdag_runs',
    help: 'Stored runs by status',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect () {
      const counts = await Promise.all(RUN_STATUSES.map(async (s) => await components.runs.count(s)))
      RUN_STATUSES.forEach((s, i) => { this.set({ status: s }, counts[i] ?? 0) })
    }
  })
  new Gauge({
    name: 'artdag_store_bytes',
    help: 'Bytes in the local blockstore',
    registers: [registry],
    async collect () { this.set(await components.store.size()) }
  })
  new Gauge({
    name: 'artdag_runs_lost_content',
    help: 'Completed runs found without their output or provenance bytes as the node started (failed, so a resubmission renders them)',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect () {
      const lost = components.lostResults?.()
      this.set({ kind: 'output' }, lost?.outputs ?? 0)
      this.set({ kind: 'provenance' }, lost?.provenance ?? 0)
    }
  })
  new Gauge({
    name: 'artdag_queue_depth',
    help: 'Steps waiting or running in the step queue',
    registers: [registry],
    async collect () { this.set(components.queueDepth != null ? await components.queueDepth() : 0) }
  })

  const listener = (event: RenderEvent): void => {
    if (event.type !== 'render:step:status') return
    if (event.status === 'completed') steps.inc({ outcome: 'executed' })
    else if (event.status === 'failed') steps.inc({ outcome: 'failed' })
    else if (event.status === 'cached') {
      steps.inc({ outcome: 'cached' })
      if (event.source === 'claim') claimWaits.inc()
    }
  }
  let started = false

  return {
    registry,
    middleware () {
      return async (ctx, next) => {
        const end = http.startTimer({ method: ctx.method })
        try {
          await next()
        } finally {
          const route = typeof ctx._matchedRoute === 'string' ? ctx._matchedRoute : 'unmatched'
          end({ route, status: String(ctx.status) })
        }
      }
    },
    start () {
      if (started) return
      started = true
      components.orchestrator.events.on('event', listener)
    },
    stop () {
      if (!started) return
      started = false
      components.orchestrator.events.off('event', listener)
    }
  }
}

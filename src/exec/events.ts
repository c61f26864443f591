import type { Redis } from 'ioredis'
import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { RunStatus, StepSource, StepStatus } from '../state/index.js'
import type { Logger } from '../util/index.js'
import type { StepJobResult } from './step-jobs.js'

/** Progress of runs, named area:op:phase, consumed by SSE, the CLI, metrics and logs */
export type RenderEvent =
  | { type: 'render:run:status', runId: PlanId, status: RunStatus, error?: string, outputCid?: Cid }
  | {
    type: 'render:step:status', runId: PlanId, stepId: string, cacheId: CacheId, status: StepStatus, cid?: Cid, error?: string
    /** how a cached step's result was had (StepRecord.source) */
    source?: StepSource
  }
  | { type: 'render:step:progress', runId: PlanId, stepId: string, cacheId: CacheId, fraction: number }

/** What a step worker tells about its job (keyed by cache id: identical steps of several runs share it) */
export type StepEvent =
  | { type: 'step:running', cacheId: CacheId, worker: string }
  | { type: 'step:progress', cacheId: CacheId, fraction: number }
  | { type: 'step:done', cacheId: CacheId, result: StepJobResult }
  /** the job failed for good (no attempt left, or a failure that would repeat) */
  | { type: 'step:failed', cacheId: CacheId, error: string }

export type ChannelEvent = RenderEvent | StepEvent

type Listener = (event: ChannelEvent) => void

/**
 * The one channel of execution progress and step results: a Redis pub/sub channel every process of the
 * cluster publishes on (orchestrators their runs' events, workers their steps' events and results) and
 * reads from. A process holds one subscriber connection and fans its messages out to listeners by key
 * (a run id, a cache id, or every event), so a result reaches the orchestrator the same way whether the
 * worker is in this process or on another machine, and an open SSE stream costs a map entry.
 */
export class EventChannel {
  private subscriber?: Redis
  private ready?: Promise<unknown>
  private readonly byKey = new Map<string, Set<Listener>>()
  private readonly everything = new Set<Listener>()

  constructor (private readonly redis: Redis, private readonly channel: string, private readonly log: Logger) {}

  /** subscribes (once per process); publishing needs no start */
  async start (): Promise<void> {
    if (this.ready == null) {
      const sub = this.redis.duplicate()
      this.subscriber = sub
      sub.on('error', (err: unknown) => { this.log.warn({ err }, 'event channel connection error') })
      sub.on('message', (_channel: string, text: string) => { this.dispatch(text) })
      this.ready = sub.subscribe(this.channel)
    }
    await this.ready
  }

  async stop (): Promise<void> {
    const sub = this.subscriber
    this.subscriber = undefined
    this.ready = undefined
    // not quit(): it would wait for a Redis that may be away; a subscriber has nothing to flush
    sub?.disconnect()
  }

  async publish (event: ChannelEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event))
  }

  /** the events of one run (its id) or one step (its cache id); returns the function that stops listening */
  on (key: string, listener: Listener): () => void {
    let set = this.byKey.get(key)
    if (set == null) {
      set = new Set()
      this.byKey.set(key, set)
    }
    set.add(listener)
    const current = set
    return () => {
      current.delete(listener)
      if (current.size === 0 && this.byKey.get(key) === current) this.byKey.delete(key)
    }
  }

  /** every event */
  onAll (listener: Listener): () => void {
    this.everything.add(listener)
    return () => { this.everything.delete(listener) }
  }

  /** keys listened to (each open SSE stream and each waited-for step holds one) */
  get size (): number {
    return this.byKey.size
  }

  private dispatch (text: string): void {
    let event: ChannelEvent
    try {
      event = JSON.parse(text) as ChannelEvent
    } catch {
      return
    }
    const key = 'runId' in event ? event.runId : event.cacheId
    for (const listener of [...this.byKey.get(key) ?? [], ...this.everything]) {
      try {
        listener(event)
      } catch (err) {
        this.log.error({ err }, 'event listener failed')
      }
    }
  }
}

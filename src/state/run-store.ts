import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Redis } from 'ioredis'
import type { PlanId } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import { MAX_UPDATE_ATTEMPTS } from './constants.js'
import { InvalidPageError, InvalidRecordError, RunIdChangedError, UnknownStepError, UpdateConflictError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { pageOfSortedSet, type PageOptions } from './paging.js'
import { CREATE_RUN, DELETE_RUN, UPDATE_RUN } from './run-scripts.js'
import type { Page, RunRecord, RunStatus, StepRecord } from './types.js'

/** the expected value of a compare-and-set goes as its digest: a run's JSON grows with its steps */
function sha1 (text: string): string {
  return createHash('sha1').update(text).digest('hex')
}

/** runs whose last known JSON a RunStore keeps, so an update needs no read first */
const KNOWN_RUNS = 256

export const RUN_STATUSES: readonly RunStatus[] = ['pending', 'planning', 'running', 'completed', 'failed', 'cancelled']
/** the statuses a run ends in: nothing changes it afterwards but a retry of a failed or cancelled one */
export const FINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled'])

export interface StateComponents {
  redis: Redis
  keys: RedisKeys
  logger?: Logger
}

export interface RunListOptions extends PageOptions {
  status?: RunStatus
}

/** Runs in Redis: one JSON string per run, indexed by time and by status for paging */
export interface RunStore {
  /** stores the run unless its id exists; a run submitted twice gets the first record back */
  create(run: RunRecord): Promise<{ created: boolean, run: RunRecord }>
  get(id: PlanId): Promise<RunRecord | undefined>
  /**
   * Read-modify-write safe against concurrent writers (compare-and-set, retried). `mutate` may run
   * several times and must not have side effects; returning undefined leaves the run as it is.
   * Sets `updatedAt`. Resolves to undefined when the run does not exist.
   */
  update(id: PlanId, mutate: (run: RunRecord) => RunRecord | undefined): Promise<RunRecord | undefined>
  /** merges `patch` into one step; throws UnknownStepError if the run has no such step */
  updateStep(id: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<RunRecord | undefined>
  /** newest first; `total` counts every run (of that status) */
  list(options?: RunListOptions): Promise<Page<RunRecord>>
  /** removes the run, its plan and its index entries; false if there was none */
  delete(id: PlanId): Promise<boolean>
  count(status?: RunStatus): Promise<number>
  /** the plan of a run, kept so an interrupted run can resume */
  putPlan(plan: Plan): Promise<void>
  getPlan(id: PlanId): Promise<Plan | undefined>
}

export function createRunStore (components: StateComponents): RunStore {
  return new RedisRunStore(components)
}

class RedisRunStore implements RunStore {
  private readonly redis: Redis
  private readonly keys: RedisKeys
  /** run id -> the JSON last read or written here, the expected value of the next compare-and-set */
  private readonly known = new Map<PlanId, string>()

  constructor (components: StateComponents) {
    this.redis = components.redis
    this.keys = components.keys
  }

  async create (run: RunRecord): Promise<{ created: boolean, run: RunRecord }> {
    const score = scoreOf(run)
    const json = JSON.stringify(run)
    const existing = await CREATE_RUN.run(this.redis,
      [this.keys.run(run.id), this.keys.runsByTime(), this.keys.runsByStatus(run.status)],
      [json, run.id, score])
    if (typeof existing === 'string') {
      this.remember(run.id, existing)
      return { created: false, run: JSON.parse(existing) as RunRecord }
    }
    this.remember(run.id, json)
    return { created: true, run }
  }

  async get (id: PlanId): Promise<RunRecord | undefined> {
    const text = await this.redis.get(this.keys.run(id))
    if (text == null) {
      this.known.delete(id)
      return undefined
    }
    this.remember(id, text)
    return JSON.parse(text) as RunRecord
  }

  async update (id: PlanId, mutate: (run: RunRecord) => RunRecord | undefined): Promise<RunRecord | undefined> {
    const key = this.keys.run(id)
    // the JSON this store last read or wrote is the usual expected value: one round trip per update
    let text: string | null | undefined = this.known.get(id)
    let fresh = text == null
    text ??= await this.redis.get(key)
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      if (text == null) {
        this.known.delete(id)
        return undefined
      }
      const current = JSON.parse(text) as RunRecord
      // read before mutate: every mutator builds a new record, but this must not depend on it
      const status = current.status
      const next = mutate(current)
      if (next == null) {
        if (fresh) return current
        // "leave it as it is" was decided on a remembered copy: decide again on what is stored
        text = await this.redis.get(key)
        fresh = true
        continue
      }
      if (next.id !== id) throw new RunIdChangedError(`an update of run ${id} tried to change its id to ${next.id}`)
      const stored: RunRecord = { ...next, updatedAt: new Date().toISOString() }
      const json = JSON.stringify(stored)
      const answer = await UPDATE_RUN.run(this.redis,
        [key, this.keys.runsByTime(), this.keys.runsByStatus(status), this.keys.runsByStatus(stored.status)],
        [sha1(text), json, id, scoreOf(stored)])
      if (answer === 1) {
        this.remember(id, json)
        return stored
      }
      // another writer won this round (the answer is what it stored) or the run is gone (nil)
      text = typeof answer === 'string' ? answer : null
      fresh = true
      if (text != null && attempt > 1) {
        // spread repeated collisions a little so they do not collide again
        await sleep(Math.random() * Math.min(attempt, 20))
      }
    }
    throw new UpdateConflictError(`run ${id} changed under ${MAX_UPDATE_ATTEMPTS} consecutive update attempts`)
  }

  /** bounded: the oldest remembered run is forgotten first */
  private remember (id: PlanId, json: string): void {
    this.known.delete(id)
    this.known.set(id, json)
    if (this.known.size > KNOWN_RUNS) {
      const oldest = this.known.keys().next()
      if (oldest.done !== true) this.known.delete(oldest.value)
    }
  }

  async updateStep (id: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<RunRecord | undefined> {
    return await this.update(id, (run) => {
      const index = run.steps.findIndex((step) => step.id === stepId)
      const step = run.steps[index]
      if (step == null) throw new UnknownStepError(`run ${id} has no step "${stepId}"`)
      const steps = [...run.steps]
      steps[index] = { ...step, ...patch, id: step.id }
      return { ...run, steps }
    })
  }

  async list (options: RunListOptions = {}): Promise<Page<RunRecord>> {
    if (options.status != null && !RUN_STATUSES.includes(options.status)) {
      throw new InvalidPageError(`status must be one of ${RUN_STATUSES.join(', ')}, got "${String(options.status)}"`)
    }
    const setKey = options.status == null ? this.keys.runsByTime() : this.keys.runsByStatus(options.status)
    return await pageOfSortedSet<RunRecord>(this.redis, setKey, (id) => this.keys.run(id as PlanId), options)
  }

  async delete (id: PlanId): Promise<boolean> {
    this.known.delete(id)
    const keys = [this.keys.run(id), this.keys.plan(id), this.keys.runsByTime(), ...RUN_STATUSES.map((s) => this.keys.runsByStatus(s))]
    return await DELETE_RUN.run(this.redis, keys, [id]) === 1
  }

  async count (status?: RunStatus): Promise<number> {
    return await this.redis.zcard(status == null ? this.keys.runsByTime() : this.keys.runsByStatus(status))
  }

  async putPlan (plan: Plan): Promise<void> {
    await this.redis.set(this.keys.plan(plan.id), JSON.stringify(plan))
  }

  async getPlan (id: PlanId): Promise<Plan | undefined> {
    const text = await this.redis.get(this.keys.plan(id))
    return text == null ? undefined : JSON.parse(text) as Plan
  }
}

/** sorted-set score of a run: its creation time in ms */
function scoreOf (run: RunRecord): number {
  const ms = Date.parse(run.createdAt)
  if (Number.isNaN(ms)) throw new InvalidRecordError(`run ${run.id}: createdAt "${run.createdAt}" is not an ISO date`)
  return ms
}

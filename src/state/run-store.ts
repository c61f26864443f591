import type { Redis } from 'ioredis'
import type { PlanId } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import { InvalidPageError, InvalidRecordError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { checkPage, type PageOptions } from './paging.js'
import { CREATE_RUN, DELETE_RUN, READ_RUNS, RESTART_RUN, UPDATE_RUN, UPDATE_STEP } from './run-scripts.js'
import { RUN_STATUSES, type Page, type RunRecord, type RunStatus, type StepRecord } from './types.js'

/** the run record format this code writes; older ones are rewritten by migrate() at start */
export const RUN_RECORD_VERSION = 2
/** the statuses a run ends in: nothing changes it afterwards but a retry of a failed or cancelled one */
export const FINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set(['completed', 'failed', 'cancelled'])
/** the statuses a step ends in: a progress change (running) never moves it out of one */
export const FINAL_STEP_STATUSES: ReadonlySet<StepRecord['status']> = new Set(['completed', 'cached', 'failed', 'cancelled'])

export interface StateComponents {
  redis: Redis
  keys: RedisKeys
  logger?: Logger
}

export interface RunListOptions extends PageOptions {
  status?: RunStatus
}

/** The run fields a header write may change */
export type RunPatch = Partial<Pick<RunRecord, 'status' | 'outputCid' | 'provenanceCid' | 'error' | 'finishedAt'>>

/**
 * Runs in Redis: a header hash per run (with the format version `v`) and a hash per step, so a step
 * change is one field write; indexed by time and by status for paging.
 */
export interface RunStore {
  /** stores the run unless its id exists (decided atomically); a run submitted twice gets the first record back */
  create(run: RunRecord): Promise<{ created: boolean, run: RunRecord }>
  /** replaces a failed or cancelled run with `run` (a retry); false when it is neither (anymore) */
  restart(run: RunRecord): Promise<boolean>
  get(id: PlanId): Promise<RunRecord | undefined>
  /**
   * Changes the run's header fields (undefined values are removed) and sets `updatedAt`, only while its
   * status is one of `from` (any when not given). Whether it was written.
   */
  update(id: PlanId, patch: RunPatch, options?: { from?: readonly RunStatus[] }): Promise<boolean>
  /** one step change (one write); a `running` patch never moves a step out of a final status. The step as stored, or undefined when not written */
  updateStep(id: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<StepRecord | undefined>
  /** newest first; `total` counts every run (of that status) */
  list(options?: RunListOptions): Promise<Page<RunRecord>>
  /** removes the run, its steps, its plan and its index entries; false if there was none */
  delete(id: PlanId): Promise<boolean>
  count(status?: RunStatus): Promise<number>
  /** the plan of a run, kept so an interrupted run can resume */
  putPlan(plan: Plan): Promise<void>
  getPlan(id: PlanId): Promise<Plan | undefined>
  /** rewrites runs stored in an older format (one JSON string per run) in this one; how many were rewritten */
  migrate(): Promise<number>
}

export function createRunStore (components: StateComponents): RunStore {
  return new RedisRunStore(components)
}

class RedisRunStore implements RunStore {
  private readonly redis: Redis
  private readonly keys: RedisKeys

  constructor (components: StateComponents) {
    this.redis = components.redis
    this.keys = components.keys
  }

  async create (run: RunRecord): Promise<{ created: boolean, run: RunRecord }> {
    if (await CREATE_RUN.run(this.redis, this.writeKeys(run), this.writeArgs(run)) === 1) return { created: true, run }
    const existing = await this.get(run.id)
    // deleted in between: the next submission creates it
    return existing == null ? await this.create(run) : { created: false, run: existing }
  }

  async restart (run: RunRecord): Promise<boolean> {
    return await RESTART_RUN.run(this.redis, this.writeKeys(run), this.writeArgs(run)) === 1
  }

  private writeKeys (run: RunRecord): string[] {
    return [this.keys.run(run.id), this.keys.runsByTime(), ...run.steps.map((s) => this.stepKey(run.id, s.id))]
  }

  private writeArgs (run: RunRecord): Array<string | number> {
    const { steps, ...header } = run
    return [this.keys.prefix, run.id, scoreOf(run), run.status,
      JSON.stringify(flatten({ ...header, v: RUN_RECORD_VERSION, stepIds: steps.map((s) => s.id) })),
      ...steps.map((s) => JSON.stringify(flatten(s)))]
  }

  private stepKey (id: PlanId, stepId: string): string {
    return `${this.keys.run(id)}:step:${stepId}`
  }

  async get (id: PlanId): Promise<RunRecord | undefined> {
    return (await this.read([id]))[0]
  }

  private async read (ids: readonly string[]): Promise<Array<RunRecord | undefined>> {
    if (ids.length === 0) return []
    const raw = await READ_RUNS.run(this.redis, ids.map((id) => this.keys.run(id as PlanId)), []) as string[][][]
    return raw.map((parts) => {
      const [header, ...steps] = parts
      return header == null || header.length === 0 ? undefined : toRun(header, steps)
    })
  }

  async update (id: PlanId, patch: RunPatch, options: { from?: readonly RunStatus[] } = {}): Promise<boolean> {
    const set: Record<string, unknown> = { updatedAt: new Date().toISOString() }
    const gone: string[] = []
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) gone.push(field)
      else set[field] = value
    }
    return await UPDATE_RUN.run(this.redis, [this.keys.run(id), this.keys.runsByTime()],
      [this.keys.prefix, id, JSON.stringify(flatten(set)), JSON.stringify(gone), JSON.stringify(options.from ?? [])]) === 1
  }

  async updateStep (id: PlanId, stepId: string, patch: Partial<StepRecord>): Promise<StepRecord | undefined> {
    const fields: Partial<StepRecord> = { ...patch }
    delete fields.id
    const stored = await UPDATE_STEP.run(this.redis, [this.stepKey(id, stepId)],
      [JSON.stringify(flatten(fields)), patch.status === 'running' ? '1' : '0']) as string[] | null
    return stored == null ? undefined : toStep(stored)
  }

  async list (options: RunListOptions = {}): Promise<Page<RunRecord>> {
    if (options.status != null && !RUN_STATUSES.includes(options.status)) {
      throw new InvalidPageError(`status must be one of ${RUN_STATUSES.join(', ')}, got "${String(options.status)}"`)
    }
    const { offset, limit } = checkPage(options)
    const setKey = options.status == null ? this.keys.runsByTime() : this.keys.runsByStatus(options.status)
    const [ids, total] = await Promise.all([this.redis.zrevrange(setKey, offset, offset + limit - 1), this.redis.zcard(setKey)])
    // a run deleted between the two reads is skipped
    const items = (await this.read(ids)).filter((r): r is RunRecord => r != null)
    return { items, total, offset, limit }
  }

  async delete (id: PlanId): Promise<boolean> {
    return await DELETE_RUN.run(this.redis, [this.keys.run(id), this.keys.plan(id), this.keys.runsByTime()], [this.keys.prefix, id]) === 1
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

  async migrate (): Promise<number> {
    let migrated = 0
    const page = 500
    for (let start = 0; ; start += page) {
      const ids = await this.redis.zrange(this.keys.runsByTime(), String(start), String(start + page - 1))
      const types = await Promise.all(ids.map(async (id) => await this.redis.type(this.keys.run(id as PlanId))))
      for (const [i, id] of ids.entries()) {
        if (types[i] !== 'string') continue
        const key = this.keys.run(id as PlanId)
        const text = await this.redis.get(key)
        if (text == null) continue
        // version 1: the whole run as one JSON string under the header's key
        const old = JSON.parse(text) as RunRecord
        await this.redis.del(key)
        await CREATE_RUN.run(this.redis, this.writeKeys(old), this.writeArgs(old))
        migrated++
      }
      if (ids.length < page) return migrated
    }
  }
}

/** fields whose values are JSON in the hashes, and fields that are numbers */
const JSON_FIELDS = new Set(['inputs', 'stepIds', 'effect'])
const NUMBER_FIELDS = new Set(['durationMs', 'v'])

/** a record as [field, value, ...] for HSET: strings as they are, numbers as text, objects as JSON, undefined left out */
function flatten (record: object): string[] {
  const out: string[] = []
  for (const [field, value] of Object.entries(record)) {
    if (value === undefined) continue
    out.push(field, typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value))
  }
  return out
}

function unflatten (flat: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const field = flat[i] as string
    const value = flat[i + 1] as string
    out[field] = JSON_FIELDS.has(field) ? JSON.parse(value) : NUMBER_FIELDS.has(field) ? Number(value) : value
  }
  return out
}

function toStep (flat: readonly string[]): StepRecord {
  return unflatten(flat) as unknown as StepRecord
}

function toRun (header: readonly string[], steps: ReadonlyArray<readonly string[]>): RunRecord {
  const run = unflatten(header)
  delete run.v
  delete run.stepIds
  return { ...run, steps: steps.filter((s) => s.length > 0).map(toStep) } as unknown as RunRecord
}

/** sorted-set score of a run: its creation time in ms */
function scoreOf (run: RunRecord): number {
  const ms = Date.parse(run.createdAt)
  if (Number.isNaN(ms)) throw new InvalidRecordError(`run ${run.id}: createdAt "${run.createdAt}" is not an ISO date`)
  return ms
}

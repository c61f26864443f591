import { hostname } from 'node:os'
import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import type { PinReason } from '../store/index.js'
import type { Logger } from '../util/index.js'
import type { ContentRefsPort, RunStorePort, StorePort } from './ports.js'

/**
 * A run's end: its output and inputs pinned and referenced, its provenance record stored; and, as the
 * node starts, the check that every completed run still has those bytes.
 */

export interface SoftwareInfo {
  name: string
  version: string
  node: string
  ffmpeg?: string
  peerId?: string
}

export interface CompletionComponents {
  store: StorePort
  contentRefs: ContentRefsPort
  /** the run as stored, every step record written (undefined when it is gone) */
  run(): Promise<RunRecord | undefined>
  software: SoftwareInfo
}

/**
 * Everything a run needs before it may be reported completed: its output and inputs pinned and
 * referenced, its provenance record stored and pinned. These are independent, so they all run at
 * once (the pins are the slow part: datastore writes). Undefined when the run record is gone.
 */
export async function prepareCompletion (c: CompletionComponents, plan: Plan, outputs: Map<string, Cid>): Promise<{ outputCid: Cid, provenanceCid: Cid, finishedAt: string } | undefined> {
  const outputCid = outputs.get(plan.outputStep)
  if (outputCid == null) throw new Error(`output step ${plan.outputStep} produced nothing`)
  const inputs = plan.inputs.map((i) => i.cid)
  const finishedAt = new Date().toISOString()
  // the reasons of each CID go in one record write (an output may also be an input, e.g. after identity)
  const reasons = new Map<Cid, PinReason[]>([[outputCid, ['run-output']]])
  for (const cid of inputs) reasons.set(cid, [...(reasons.get(cid) ?? []), 'run-input'])
  const [, provenanceCid] = await Promise.all([
    Promise.all([
      ...[...reasons].map(async ([cid, pinReasons]) => { await c.store.pin(cid, pinReasons) }),
      ...[...reasons.keys()].map(async (cid) => { await c.contentRefs.addRef(cid) })
    ]),
    (async () => {
      const run = await c.run()
      if (run == null) return undefined
      return await c.store.putJson(buildProvenance({ ...run, outputCid, finishedAt }, plan, c.software), { pin: 'provenance' })
    })()
  ])
  return provenanceCid == null ? undefined : { outputCid, provenanceCid, finishedAt }
}

/** The provenance record of a completed run, stored as DAG-JSON in Helia (its CID goes on the run) */
export function buildProvenance (run: RunRecord, plan: Plan, software: SoftwareInfo): Record<string, unknown> {
  return {
    type: 'artdag/provenance',
    version: 1,
    run: run.id,
    recipe: { id: plan.recipeId, name: plan.recipeName },
    renderedAt: run.finishedAt ?? new Date().toISOString(),
    renderedBy: run.user ?? null,
    inputs: plan.inputs.map((input) => ({ name: input.name, node: input.nodeId, cid: input.cid })),
    output: { name: run.outputName ?? plan.recipeName, step: plan.outputStep, cid: run.outputCid ?? null },
    steps: plan.steps.map((step) => {
      const record = run.steps.find((s) => s.id === step.id)
      return {
        id: step.id,
        type: step.type,
        cacheId: step.cacheId,
        inputs: step.inputs,
        config: step.config,
        effect: step.effect ?? null,
        cid: record?.cid ?? null,
        status: record?.status ?? null,
        source: record?.source ?? null,
        durationMs: record?.durationMs ?? null,
        worker: record?.worker ?? null
      }
    }),
    engine: plan.engine,
    software,
    host: hostname(),
    timings: { createdAt: run.createdAt, finishedAt: run.finishedAt ?? null }
  }
}

/** completed runs read per page by the start check of their outputs and provenance records */
const LOST_RESULTS_PAGE = 1000
/** content checks the start check runs at once (each a few local file reads) */
const LOST_RESULTS_CONCURRENCY = 16

export interface LostResultsComponents {
  runs: Pick<RunStorePort, 'list' | 'update'>
  store: Pick<StorePort, 'hasAll'>
  cacheIndex: { entries(cursor?: string, count?: number): Promise<{ entries: Array<{ cacheId: CacheId, cid: Cid }>, cursor: string }> }
  /** forgets a step's result (its index entry and kept job), so the next run renders it */
  forgetStep(cacheId: CacheId): Promise<void>
  /** a completed run counted one reference on its output and on each input */
  contentRefs: { removeRef(cid: Cid): Promise<unknown> }
  logger: Logger
}

/** Completed runs found without their bytes */
export interface LostResults {
  /** runs whose output is not wholly in the store */
  outputs: number
  /** runs whose provenance record is not in the store */
  provenance: number
}

/**
 * Checks, as the node starts, that every completed run's output and provenance record are wholly in
 * the local store (each distinct CID once, a few at a time, local blocks only). A run missing either is
 * failed with the reason and its references dropped, and the cache index entries pointing at a missing
 * output are forgotten: submitting the run again renders it instead of answering "completed" with
 * bytes that are gone.
 */
export async function checkCompletedRuns (c: LostResultsComponents): Promise<LostResults> {
  const log = c.logger.child({ component: 'exec:lost-results' })
  const started = performance.now()
  const runs: RunRecord[] = []
  for (let offset = 0; ; offset += LOST_RESULTS_PAGE) {
    const page = await c.runs.list({ status: 'completed', offset, limit: LOST_RESULTS_PAGE })
    runs.push(...page.items)
    if (page.items.length < LOST_RESULTS_PAGE) break
  }
  const cids = [...new Set(runs.flatMap((r) => [r.outputCid, r.provenanceCid].filter((cid): cid is Cid => cid != null)))]
  const missing = new Set<Cid>()
  let next = 0
  await Promise.all(Array.from({ length: Math.min(LOST_RESULTS_CONCURRENCY, cids.length) }, async () => {
    for (let cid = cids[next++]; cid != null; cid = cids[next++]) {
      const whole = await c.store.hasAll(cid).catch((err: unknown) => {
        log.warn({ cid, err }, 'could not read a completed run\'s content')
        return false
      })
      if (!whole) missing.add(cid)
    }
  }))
  const lost: LostResults = { outputs: 0, provenance: 0 }
  const lostOutputs = new Set<Cid>()
  for (const run of runs) {
    const output = run.outputCid != null && missing.has(run.outputCid) ? run.outputCid : undefined
    const provenance = run.provenanceCid != null && missing.has(run.provenanceCid) ? run.provenanceCid : undefined
    if (output == null && provenance == null) continue
    if (output != null) { lost.outputs++; lostOutputs.add(output) }
    if (provenance != null) lost.provenance++
    await failRun(c, run, output, provenance, log)
  }
  const forgotten = await forgetSteps(c, lostOutputs)
  const ms = Math.round(performance.now() - started)
  if (lost.outputs + lost.provenance > 0) log.error({ ...lost, forgottenSteps: forgotten, checked: runs.length, ms }, 'completed runs lost content; they render again when submitted')
  else log.info({ checked: runs.length, ms }, 'every completed run has its output and provenance')
  return lost
}

async function failRun (c: LostResultsComponents, run: RunRecord, output: Cid | undefined, provenance: Cid | undefined, log: Logger): Promise<void> {
  const what = [
    ...(output != null ? [`its output ${output}`] : []),
    ...(provenance != null ? [`its provenance record ${provenance}`] : [])
  ].join(' and ')
  const error = `${what} ${output != null && provenance != null ? 'are' : 'is'} missing from the store (found as the node started); submit the run again to render it`
  const failed = await c.runs.update(run.id, { status: 'failed', error, outputCid: undefined, provenanceCid: undefined }, { from: ['completed'] })
  if (!failed) return
  for (const cid of new Set([...(run.outputCid != null ? [run.outputCid] : []), ...run.inputs.map((i) => i.cid)])) await c.contentRefs.removeRef(cid)
  log.error({ runId: run.id as PlanId, output, provenance }, 'completed run lost content')
}

/** one scan of the cache index: every step whose result is a lost output is forgotten */
async function forgetSteps (c: LostResultsComponents, lost: Set<Cid>): Promise<number> {
  if (lost.size === 0) return 0
  const steps: CacheId[] = []
  let cursor = '0'
  do {
    const page = await c.cacheIndex.entries(cursor)
    for (const entry of page.entries) if (lost.has(entry.cid)) steps.push(entry.cacheId)
    cursor = page.cursor
  } while (cursor !== '0')
  for (const cacheId of steps) await c.forgetStep(cacheId)
  return steps.length
}

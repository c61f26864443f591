import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import type { Logger } from '../util/index.js'
import { LOST_RESULTS_CONCURRENCY, LOST_RESULTS_PAGE } from './constants.js'
import type { RunStorePort, StorePort } from './ports.js'

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
  const updated = await c.runs.update(run.id, (r) => r.status !== 'completed'
    ? undefined
    : { ...r, status: 'failed', error, outputCid: undefined, provenanceCid: undefined, updatedAt: new Date().toISOString() })
  if (updated?.status !== 'failed') return
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

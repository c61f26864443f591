import type { Cid } from '../dag/ids.js'
import type { Plan } from '../dag/types.js'
import type { RunRecord } from '../state/types.js'
import type { ContentRefsPort, RunStorePort, StorePort } from './ports.js'
import { buildProvenance, type SoftwareInfo } from './provenance.js'

export interface CompletionComponents {
  store: StorePort
  contentRefs: ContentRefsPort
  runs: Pick<RunStorePort, 'get'>
  software: SoftwareInfo
}

/**
 * Everything a run needs before it may be reported completed: its output and inputs pinned and
 * referenced, its provenance record stored and pinned. These are independent, so they all run at
 * once (the pins are the slow part: datastore writes). Undefined when the run record is gone.
 */
export async function prepareCompletion (c: CompletionComponents, plan: Plan, outputs: Map<string, Cid>): Promise<Partial<RunRecord> | undefined> {
  const outputCid = outputs.get(plan.outputStep)
  if (outputCid == null) throw new Error(`output step ${plan.outputStep} produced nothing`)
  const inputs = plan.inputs.map((i) => i.cid)
  const finishedAt = new Date().toISOString()
  const [, provenanceCid] = await Promise.all([
    Promise.all([
      c.store.pin(outputCid, 'run-output'),
      ...inputs.map(async (cid) => { await c.store.pin(cid, 'run-input') }),
      ...[...new Set([outputCid, ...inputs])].map(async (cid) => { await c.contentRefs.addRef(cid) })
    ]),
    (async () => {
      const run = await c.runs.get(plan.id)
      if (run == null) return undefined
      const cid = await c.store.putJson(buildProvenance({ ...run, outputCid, finishedAt }, plan, c.software))
      await c.store.pin(cid, 'provenance')
      return cid
    })()
  ])
  return provenanceCid == null ? undefined : { outputCid, provenanceCid, finishedAt }
}

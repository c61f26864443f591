import type { Cid } from '../dag/index.js'
import type { Plan } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import type { PinReason } from '../store/index.js'
import type { ContentRefsPort, StorePort } from './ports.js'
import { buildProvenance, type SoftwareInfo } from './provenance.js'

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
export async function prepareCompletion (c: CompletionComponents, plan: Plan, outputs: Map<string, Cid>): Promise<Partial<RunRecord> | undefined> {
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

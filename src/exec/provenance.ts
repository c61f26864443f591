import { hostname } from 'node:os'
import type { Plan } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'

export interface SoftwareInfo {
  name: string
  version: string
  node: string
  ffmpeg?: string
  peerId?: string
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

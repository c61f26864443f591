export { Orchestrator, type OrchestratorComponents, type OrchestratorInit, type SubmitMeta, type Submitted } from './orchestrator.js'
export { StepRunner, StepWorkerPool, type StepRunnerComponents, type StepRunnerInit, type StepWorkerInit } from './step-worker.js'
export { RunDriver } from './run-driver.js'
export { EventChannel, type ChannelEvent, type RenderEvent, type StepEvent } from './events.js'
export { checkCompletedRuns, buildProvenance, type LostResults, type LostResultsComponents, type SoftwareInfo } from './completion.js'
export type { StepJobData, StepJobResult } from './step-jobs.js'
export type * from './ports.js'
export * from './errors.js'
export { RunService, type RunRequest, type RunServiceComponents } from './run-service.js'

import { Orchestrator, type OrchestratorComponents, type OrchestratorInit } from './orchestrator.js'
import { StepRunner, StepWorkerPool, type LeaseRedis, type StepRunnerComponents, type StepRunnerInit, type StepWorkerInit } from './step-worker.js'

export function createOrchestrator (components: OrchestratorComponents, init: OrchestratorInit): Orchestrator {
  return new Orchestrator(components, init)
}

export function createStepWorkerPool (components: StepRunnerComponents & { redis: LeaseRedis }, init: StepRunnerInit & StepWorkerInit): StepWorkerPool {
  return new StepWorkerPool(new StepRunner(components, init), components, init, components.logger)
}

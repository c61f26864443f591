export { Orchestrator, type OrchestratorComponents, type OrchestratorInit, type SubmitMeta } from './orchestrator.js'
export { StepRunner, type StepRunnerComponents, type StepRunnerInit } from './run-step.js'
export { StepWorkerPool, type StepWorkerInit } from './step-worker.js'
export { RunDriver } from './run-driver.js'
export { LocalResults } from './local-results.js'
export { checkCompletedRuns, type LostResults, type LostResultsComponents } from './lost-results.js'
export type { RenderEvent } from './events.js'
export type { StepJobData, StepJobResult } from './queue.js'
export type * from './ports.js'
export * from './errors.js'
export { buildProvenance, type SoftwareInfo } from './provenance.js'

import { Orchestrator, type OrchestratorComponents, type OrchestratorInit } from './orchestrator.js'
import { StepRunner, type StepRunnerComponents, type StepRunnerInit } from './run-step.js'
import { StepWorkerPool, type StepWorkerInit } from './step-worker.js'

export function createOrchestrator (components: OrchestratorComponents, init: OrchestratorInit): Orchestrator {
  return new Orchestrator(components, init)
}

export function createStepWorkerPool (components: StepRunnerComponents, init: StepRunnerInit & StepWorkerInit): StepWorkerPool {
  return new StepWorkerPool(new StepRunner(components, init), init, components.logger)
}
export { RunService, type RunRequest, type RunServiceComponents } from './run-service.js'

import { DomainError, InternalError } from '../util/index.js'

export { RecipeNotFoundError, RunNotFoundError, RunStateError } from '../state/index.js'

/** Thrown when a run cannot start because one of its inputs is not available anywhere */
export class InputUnavailableError extends DomainError {
  override name = 'InputUnavailableError'
  readonly status = 404
  readonly code = 'input-unavailable'
  readonly deterministic = true
}

/**
 * Thrown (as the run's error) when a step failed; message carries the step id and its cause. A 422: the
 * request was well formed, its recipe could not be rendered.
 */
export class StepFailedError extends DomainError {
  override name = 'StepFailedError'
  readonly status = 422
  readonly code = 'step-failed'
  constructor (readonly stepId: string, readonly reason: string) {
    super(`step "${stepId}" failed: ${reason}`)
  }
}

/** Thrown when the orchestrator or a worker is used after stop() */
export class ExecutorStoppedError extends DomainError {
  override name = 'ExecutorStoppedError'
  readonly status = 503
  readonly code = 'executor-stopped'
}

/**
 * The abort reason of a step whose worker stopped before it finished: not a failure of the step (no
 * error is published for it; its job goes to another worker)
 */
export class StepAbandonedError extends InternalError {
  override name = 'StepAbandonedError'
}

/** True for errors that would fail the same way on retry (bad media, bad params) */
export function isDeterministic (err: unknown): boolean {
  return typeof err === 'object' && err != null && (err as { deterministic?: unknown }).deterministic === true
}

/** Thrown when a run input is neither a CID nor a known asset name */
export class UnknownInputError extends DomainError {
  override name = 'UnknownInputError'
  readonly status = 400
  readonly code = 'unknown-input'
}

/** Thrown when a run request sets params the recipe does not declare (a stored recipe declares none) */
export class UnknownParamError extends DomainError {
  override name = 'UnknownParamError'
  readonly status = 400
  readonly code = 'unknown-param'
}

/** Thrown when a run request's output_name is too long or holds control characters */
export class InvalidNameError extends DomainError {
  override name = 'InvalidNameError'
  readonly status = 400
  readonly code = 'invalid-name'
}

/** Thrown when a run request names the output of a run that exists under another output name */
export class OutputNameConflictError extends DomainError {
  override name = 'OutputNameConflictError'
  readonly status = 409
  readonly code = 'output-name-conflict'
}

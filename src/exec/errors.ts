/** Thrown when a run cannot start because one of its inputs is not available anywhere */
export class InputUnavailableError extends Error {
  override name = 'InputUnavailableError'
  readonly deterministic = true
}

/** Thrown (as the run's error) when a step failed; message carries the step id and its cause */
export class StepFailedError extends Error {
  override name = 'StepFailedError'
  constructor (readonly stepId: string, readonly reason: string) {
    super(`step "${stepId}" failed: ${reason}`)
  }
}

/** Thrown when a run id is unknown */
export class RunNotFoundError extends Error {
  override name = 'RunNotFoundError'
}

/** Thrown when an operation is not allowed in the run's current status */
export class RunStateError extends Error {
  override name = 'RunStateError'
}

/** Thrown when the orchestrator or a worker is used after stop() */
export class ExecutorStoppedError extends Error {
  override name = 'ExecutorStoppedError'
}

/**
 * The abort reason of a step whose worker stopped before it finished: not a failure of the step (no
 * error is published for it; its job goes to another worker)
 */
export class StepAbandonedError extends Error {
  override name = 'StepAbandonedError'
}

/** True for errors that would fail the same way on retry (bad media, bad params) */
export function isDeterministic (err: unknown): boolean {
  return typeof err === 'object' && err != null && (err as { deterministic?: unknown }).deterministic === true
}

/** Thrown when a run request names no stored recipe and no effect */
export class UnknownRecipeError extends Error {
  override name = 'UnknownRecipeError'
}

/** Thrown when a run input is neither a CID nor a known asset name */
export class UnknownInputError extends Error {
  override name = 'UnknownInputError'
}

/** Thrown when a run request sets params the recipe does not declare (a stored recipe declares none) */
export class UnknownParamError extends Error {
  override name = 'UnknownParamError'
}

/** Thrown when a run request's output_name is too long or holds control characters */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError'
}

/** Thrown when a run request names the output of a run that exists under another output name */
export class OutputNameConflictError extends Error {
  override name = 'OutputNameConflictError'
}

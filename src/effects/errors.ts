import { DomainError, InternalError } from '../util/index.js'

/**
 * Errors of the effects area. `deterministic = true` marks failures that would fail the same way
 * on retry (bad media, bad params): the worker does not retry them.
 */

/** Thrown when ffmpeg exits with an error; carries the exit code and the last lines of its stderr */
export class FfmpegError extends DomainError {
  override name = 'FfmpegError'
  readonly status = 422
  readonly code = 'ffmpeg-failed'
  readonly deterministic: boolean
  constructor (message: string, readonly exitCode: number | null, readonly stderrTail: string[], deterministic: boolean) {
    super(stderrTail.length > 0 ? `${message}\n${stderrTail.join('\n')}` : message)
    this.deterministic = deterministic
  }
}

/** Thrown when ffmpeg ran longer than its timeout and was killed */
export class FfmpegTimeoutError extends DomainError {
  override name = 'FfmpegTimeoutError'
  readonly status = 504
  readonly code = 'ffmpeg-timeout'
  readonly deterministic = false
  constructor (readonly timeoutMs: number, readonly stderrTail: string[]) {
    super(`ffmpeg was killed after its timeout of ${timeoutMs} ms`)
  }
}

/** Thrown when the ffmpeg or ffprobe binary cannot be started at all */
export class FfmpegSpawnError extends DomainError {
  override name = 'FfmpegSpawnError'
  readonly status = 503
  readonly code = 'ffmpeg-unavailable'
  readonly deterministic = false
}

/** Thrown when an input is not media ffprobe can read (or has no usable stream) */
export class InvalidMediaError extends DomainError {
  override name = 'InvalidMediaError'
  readonly status = 422
  readonly code = 'invalid-media'
  readonly deterministic = true
}

/** Thrown when a step's config is missing a field or has a bad value */
export class InvalidStepConfigError extends DomainError {
  override name = 'InvalidStepConfigError'
  readonly status = 400
  readonly code = 'invalid-step-config'
  readonly deterministic = true
}

/** Thrown when a step gets the wrong number or kind of inputs (e.g. MUX without an audio input) */
export class InvalidStepInputError extends DomainError {
  override name = 'InvalidStepInputError'
  readonly status = 400
  readonly code = 'invalid-step-input'
  readonly deterministic = true
}

/** Thrown when an effect parameter is unknown, of the wrong type or out of range */
export class InvalidEffectParamError extends DomainError {
  override name = 'InvalidEffectParamError'
  readonly status = 400
  readonly code = 'invalid-effect-param'
  readonly deterministic = true
}

/** Thrown when an EFFECT step names an effect the registry does not have */
export class UnknownEffectError extends DomainError {
  override name = 'UnknownEffectError'
  readonly status = 400
  readonly code = 'unknown-effect'
  readonly deterministic = true
}

/** Thrown when an EFFECT step pins an effect version/hash that differs from the registry's */
export class EffectMismatchError extends DomainError {
  override name = 'EffectMismatchError'
  readonly status = 409
  readonly code = 'effect-mismatch'
  readonly deterministic = true
}

/** Thrown for step types the executor does not run (SOURCE is resolved by the orchestrator, never executed) */
export class UnsupportedStepError extends DomainError {
  override name = 'UnsupportedStepError'
  readonly status = 400
  readonly code = 'unsupported-step'
  readonly deterministic = true
}

/** Thrown when a bundled asset (e.g. dog.png) is missing from the assets dir */
export class MissingAssetError extends InternalError {
  override name = 'MissingAssetError'
  readonly deterministic = false
}

/** Thrown when analyzeMedia gets an unknown feature or an out-of-range option */
export class InvalidAnalysisOptionError extends DomainError {
  override name = 'InvalidAnalysisOptionError'
  readonly status = 400
  readonly code = 'invalid-analysis-option'
  readonly deterministic = true
}

/**
 * Errors of the effects area. `deterministic = true` marks failures that would fail the same way
 * on retry (bad media, bad params): the worker does not retry them (STYLE rule 11).
 */

/** Thrown when ffmpeg exits with an error; carries the exit code and the last lines of its stderr */
export class FfmpegError extends Error {
  override name = 'FfmpegError'
  readonly deterministic: boolean
  constructor (message: string, readonly exitCode: number | null, readonly stderrTail: string[], deterministic: boolean) {
    super(stderrTail.length > 0 ? `${message}\n${stderrTail.join('\n')}` : message)
    this.deterministic = deterministic
  }
}

/** Thrown when ffmpeg ran longer than its timeout and was killed */
export class FfmpegTimeoutError extends Error {
  override name = 'FfmpegTimeoutError'
  readonly deterministic = false
  constructor (readonly timeoutMs: number, readonly stderrTail: string[]) {
    super(`ffmpeg was killed after its timeout of ${timeoutMs} ms`)
  }
}

/** Thrown when the ffmpeg or ffprobe binary cannot be started at all */
export class FfmpegSpawnError extends Error {
  override name = 'FfmpegSpawnError'
  readonly deterministic = false
}

/** Thrown when an input is not media ffprobe can read (or has no usable stream) */
export class InvalidMediaError extends Error {
  override name = 'InvalidMediaError'
  readonly deterministic = true
}

/** Thrown when a step's config is missing a field or has a bad value */
export class InvalidStepConfigError extends Error {
  override name = 'InvalidStepConfigError'
  readonly deterministic = true
}

/** Thrown when a step gets the wrong number or kind of inputs (e.g. MUX without an audio input) */
export class InvalidStepInputError extends Error {
  override name = 'InvalidStepInputError'
  readonly deterministic = true
}

/** Thrown when an effect parameter is unknown, of the wrong type or out of range */
export class InvalidEffectParamError extends Error {
  override name = 'InvalidEffectParamError'
  readonly deterministic = true
}

/** Thrown when an EFFECT step names an effect the registry does not have */
export class UnknownEffectError extends Error {
  override name = 'UnknownEffectError'
  readonly deterministic = true
}

/** Thrown when an EFFECT step pins an effect version/hash that differs from the registry's */
export class EffectMismatchError extends Error {
  override name = 'EffectMismatchError'
  readonly deterministic = true
}

/** Thrown for step types the executor does not run (SOURCE is resolved by the orchestrator, never executed) */
export class UnsupportedStepError extends Error {
  override name = 'UnsupportedStepError'
  readonly deterministic = true
}

/** Thrown when a bundled asset (e.g. dog.png) is missing from the assets dir */
export class MissingAssetError extends Error {
  override name = 'MissingAssetError'
  readonly deterministic = false
}

/** Thrown when analyzeMedia gets an unknown feature or an out-of-range option */
export class InvalidAnalysisOptionError extends Error {
  override name = 'InvalidAnalysisOptionError'
  readonly deterministic = true
}

import { DomainError } from '../util/index.js'

/** Thrown when configuration is invalid; lists every bad key */
export class ConfigError extends DomainError {
  override name = 'ConfigError'
  readonly status = 400
  readonly code = 'invalid-config'
  constructor (readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`)
    this.details = problems
  }
}

import { ApiError } from '../errors.js'

/** GET /effects/{name} for a name that is not an effect; `details.known` lists the effects there are */
export class EffectNotFoundError extends ApiError {
  override name = 'EffectNotFoundError'
  readonly status = 404
  readonly code = 'effect-not-found'
}

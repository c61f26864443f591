/** Thrown when a string is not a well-formed identifier (CID, cache id, run id, recipe id) */
export class InvalidIdError extends Error {
  override name = 'InvalidIdError'
}

import type { z } from 'zod'
import { zodProblems } from '../dag/index.js'
import { RequestValidationError } from './errors.js'

/**
 * Checks a value against a zod schema; every problem is listed with its path in the error's details,
 * in our own words (zod's wording changes between releases and reads like a type checker's)
 */
export function parseWith<S extends z.ZodType> (schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = zodProblems(result.error.issues, '', value, 'invalid').map(({ path, message }) => ({ path, message }))
  const text = details.map((d) => (d.path === '' ? d.message : `${d.path}: ${d.message}`)).join('; ')
  throw new RequestValidationError(`invalid ${what}: ${text}`, details)
}

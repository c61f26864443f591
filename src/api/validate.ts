import type { z } from 'zod'
import { RequestValidationError } from './errors.js'

/** Checks a value against a zod schema; every problem is listed with its path in the error's details */
export function parseWith<S extends z.ZodType> (schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message
  }))
  const text = details.map((d) => (d.path === '' ? d.message : `${d.path}: ${d.message}`)).join('; ')
  throw new RequestValidationError(`invalid ${what}: ${text}`, details)
}

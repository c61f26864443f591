import type { Problem } from './errors.js'
import type { z } from 'zod'

/** Path segments to the printed form used everywhere: `dag.nodes[2].config.mode` */
export function joinPath (base: string, segments: ReadonlyArray<PropertyKey>): string {
  let out = base
  for (const segment of segments) {
    if (typeof segment === 'number') {
      out += `[${segment}]`
    } else {
      const key = String(segment)
      out += out === '' ? key : /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
    }
  }
  return out
}

/** Short, safe rendering of a user value inside a message */
export function show (value: unknown): string {
  if (value === undefined) return 'nothing'
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

function valueAt (root: unknown, segments: ReadonlyArray<PropertyKey>): unknown {
  let current = root
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<PropertyKey, unknown>)[segment]
  }
  return current
}

const EXPECTED_WORDS: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  tuple: 'a list'
}

/**
 * Turns zod issues into Problems with our own wording, so messages stay stable across zod releases
 * and name the offending value.
 */
export function zodProblems (
  issues: readonly z.core.$ZodIssue[], base: string, input: unknown, code: string,
  known: Readonly<Record<string, readonly string[]>> = {}
): Problem[] {
  const problems: Problem[] = []
  for (const issue of issues) {
    const value = valueAt(input, issue.path)
    const path = joinPath(base, issue.path)
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          // hints are keyed by the object's path without list indices: 'effects', 'inputs', ''
          const fields = known[issue.path.filter(s => typeof s === 'string').join('.')]
          const hint = fields === undefined ? '' : ` (known: ${fields.join(', ')})`
          problems.push({ path: joinPath(path, [key]), code, message: `unknown field "${key}"${hint}` })
        }
        break
      case 'invalid_type': {
        const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected
        const message = value === undefined ? `required: ${expected}` : `must be ${expected}, got ${show(value)}`
        problems.push({ path, code, message })
        break
      }
      case 'invalid_value':
        problems.push({ path, code, message: `must be one of ${issue.values.map(v => String(v)).join(', ')}, got ${show(value)}` })
        break
      case 'too_small': {
        const op = issue.inclusive === false ? '>' : '>='
        const what = issue.origin === 'array'
          ? `must have ${op} ${String(issue.minimum)} items`
          : issue.origin === 'string'
            ? Number(issue.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(issue.minimum)} characters long`
            : `must be ${op} ${String(issue.minimum)}`
        problems.push({ path, code, message: `${what}, got ${show(value)}` })
        break
      }
      case 'too_big': {
        const op = issue.inclusive === false ? '<' : '<='
        const what = issue.origin === 'array'
          ? `must have ${op} ${String(issue.maximum)} items`
          : issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters long` : `must be ${op} ${String(issue.maximum)}`
        problems.push({ path, code, message: `${what}, got ${show(value)}` })
        break
      }
      case 'invalid_union':
        problems.push({ path, code, message: `has the wrong form, got ${show(value)}` })
        break
      default:
        problems.push({ path, code, message: issue.message })
    }
  }
  return problems
}

/** Longest name (recipe, variable input, node id, output name) in characters */
export const MAX_NAME_CHARS = 128
/** Longest description in characters */
export const MAX_DESCRIPTION_CHARS = 4096

/**
 * Characters no name or description may hold: C0/C1 controls (NUL, ESC, newline...), the bidi
 * embeddings, overrides and isolates (they reorder what a terminal or page shows), line and paragraph
 * separators, and lone surrogates. A description may hold newlines and tabs.
 */
const FORBIDDEN = /[\p{Cc}\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}]/u
const FORBIDDEN_IN_TEXT = /[^\P{Cc}\n\t]|[\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}]/u

function describeChar (char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
}

/**
 * Why `value` cannot be a name (`kind: 'name'`) or a description (`kind: 'text'`), or undefined when it
 * can: too long, or a character a terminal or page would act on rather than show.
 */
export function nameProblem (value: string, kind: 'name' | 'text' = 'name'): string | undefined {
  const max = kind === 'name' ? MAX_NAME_CHARS : MAX_DESCRIPTION_CHARS
  const length = [...value].length
  if (length > max) return `is ${length} characters long; at most ${max} are allowed`
  const bad = (kind === 'name' ? FORBIDDEN : FORBIDDEN_IN_TEXT).exec(value)
  if (bad !== null) {
    return `holds the control character ${describeChar(bad[0])} at position ${bad.index}; only printable characters are allowed${kind === 'text' ? ' (and newlines, tabs)' : ''}`
  }
  return undefined
}

/**
 * Characters a terminal acts on instead of showing: C0/C1 controls (ESC starts colour, title and
 * cursor sequences; NUL, CR and backspace hide text), bidi embeddings, overrides and isolates (they
 * reorder what is shown), line and paragraph separators, and lone surrogates.
 */
const UNSAFE = /[\p{Cc}\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\u2028\u2029\p{Cs}]/gu
/** What JSON.stringify leaves raw of those: C1 controls, bidi controls, separators (it escapes C0 itself) */
const UNSAFE_IN_JSON = /[\u007F-\u009F\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069\u2028\u2029]/g

function codeOf (char: string): string {
  const code = char.codePointAt(0) ?? 0
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`
}

/**
 * Text from the server as the terminal may show it: every unsafe character as a visible escape
 * (`\x1b`, `\u202e`). A name is one line: its newlines are escaped too; `lines` keeps newlines and tabs
 * of multi-line text (a recipe's YAML, a whole printed answer).
 */
export function terminalText (text: string, options: { lines?: boolean } = {}): string {
  return text.replace(UNSAFE, (char) => options.lines === true && (char === '\n' || char === '\t') ? char : codeOf(char))
}

/** JSON for --json output: valid JSON with the characters it would leave raw escaped as \uXXXX */
export function terminalJson (value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_IN_JSON, (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
}

import type { Problem } from '../dag/index.js'
import { terminalText } from './terminal-text.js'

/** The problems a node's answer lists in its details (recipe problems), or undefined when it lists none */
export function problemsOf (details: unknown): Problem[] | undefined {
  if (!Array.isArray(details) || details.length === 0) return undefined
  const ok = details.every((p: unknown) => {
    const bag = p as Record<string, unknown> | null
    return bag !== null && typeof bag === 'object' && typeof bag.path === 'string' && typeof bag.message === 'string'
  })
  return ok ? details as Problem[] : undefined
}

/**
 * One line per problem. With the recipe's file, the way compilers print them, so editors jump to the
 * place: `file:line:col: path: message` (`file: path: message` when the problem has no place in the text).
 * A YAML syntax problem's path only repeats its place, so it is left out. Escaped for the terminal: the
 * messages can quote the recipe or come from a node.
 */
export function formatProblems (problems: readonly Problem[], file?: string): string {
  return problems.map((p) => {
    const where = file === undefined
      ? ''
      : typeof p.line === 'number' && typeof p.column === 'number' ? `${file}:${p.line}:${p.column}: ` : `${file}: `
    const path = file === undefined
      ? `${p.path === '' ? '(recipe)' : p.path}: `
      : p.path === '' || /^line \d+, column \d+$/.test(p.path) ? '' : `${p.path}: `
    return terminalText(`${where}${path}${p.message}`) + '\n'
  }).join('')
}

import type { Document, LineCounter } from 'yaml'
import type { Problem } from './errors.js'

const SEGMENT = /([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g

/** `dag.nodes[2].config["a b"]` -> ['dag', 'nodes', 2, 'config', 'a b'] */
function segmentsOf (path: string): Array<string | number> {
  const out: Array<string | number> = []
  for (const m of path.matchAll(SEGMENT)) {
    if (m[1] !== undefined) out.push(m[1])
    else if (m[2] !== undefined) out.push(Number(m[2]))
    else if (m[3] !== undefined) out.push(JSON.parse(m[3]) as string)
  }
  return out
}

/**
 * Where in the YAML text a problem's path points (the yaml library's node ranges): the value at the
 * path, or, when it is missing (a required field), the nearest enclosing value. 1-based line and column.
 */
export function locateProblems (problems: readonly Problem[], document: Document, lineCounter: LineCounter): Problem[] {
  return problems.map((problem) => {
    if (problem.line !== undefined) return problem
    const segments = segmentsOf(problem.path)
    for (let n = segments.length; n > 0; n--) {
      const node = document.getIn(segments.slice(0, n), true) as { range?: [number, number, number] } | undefined
      const start = node?.range?.[0]
      if (start === undefined) continue
      const pos = lineCounter.linePos(start)
      return { ...problem, line: pos.line, column: pos.col }
    }
    return problem
  })
}

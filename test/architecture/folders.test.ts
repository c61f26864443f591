import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { describe, expect, it } from 'vitest'

const SRC = resolve('src')

function tsFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return tsFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** the top folder of a file of src/ (`store` for src/store/car/import.ts); a file directly in src/ is its own */
const folderOf = (path: string): string => relative(SRC, path).split(sep)[0]?.replace(/\.ts$/, '') ?? ''

interface Edge { from: string, to: string, file: string, spec: string }

/** every import, re-export and dynamic import between two folders, type-only ones included */
function crossFolderImports (): Edge[] {
  return tsFiles(SRC).flatMap((file) => {
    const text = readFileSync(file, 'utf8')
    return [...text.matchAll(/(?:^(?:import|export)\b[^'"]*?\bfrom\s*|^import\s*|\bimport\(\s*)'(\.{1,2}\/[^']+)'/gm)].flatMap((m) => {
      const spec = m[1] ?? ''
      const target = resolve(dirname(file), spec).replace(/\.js$/, '.ts')
      if (!target.startsWith(SRC + sep)) return []
      const from = folderOf(file)
      const to = folderOf(target)
      return from === to ? [] : [{ from, to, file: relative(SRC, file), spec }]
    })
  })
}

/** a cycle of the folder graph as `a -> b -> a`, or undefined */
function findCycle (edges: Edge[]): string[] | undefined {
  const next = new Map<string, Set<string>>()
  for (const e of edges) next.set(e.from, (next.get(e.from) ?? new Set()).add(e.to))
  const done = new Set<string>()
  const path: string[] = []
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node)
    if (at >= 0) return [...path.slice(at), node]
    if (done.has(node)) return undefined
    path.push(node)
    for (const to of next.get(node) ?? []) {
      const cycle = visit(to)
      if (cycle != null) return cycle
    }
    path.pop()
    done.add(node)
    return undefined
  }
  for (const node of next.keys()) {
    const cycle = visit(node)
    if (cycle != null) return cycle
  }
  return undefined
}

describe('folder boundaries of src/', () => {
  const edges = crossFolderImports()

  it('should find the imports between folders', () => {
    expect(edges.some((e) => e.from === 'api' && e.to === 'exec')).toBe(true)
    expect(edges.some((e) => e.from === 'node' && e.to === 'api')).toBe(true)
  })

  it('should have no cycle between folders (an index re-exporting its folder would start a module before its imports)', () => {
    const cycle = findCycle(edges)
    const witnesses = cycle?.slice(1).map((to, i) => edges.find((e) => e.from === cycle[i] && e.to === to)).map((e) => `${e?.file}: ${e?.spec}`)
    expect({ cycle: cycle?.join(' -> '), witnesses }).toEqual({ cycle: undefined, witnesses: undefined })
  })

  it('should reach another folder only through its index.ts, dynamic imports too (the lint rule sees static ones)', () => {
    const bypassing = edges.filter((e) => {
      const target = relative(SRC, resolve(SRC, e.file, '..', e.spec)).split(sep)
      // a file directly in src/ (version.ts, node.ts) is a folder of its own
      return target.length > 1 && !(target.length === 2 && target[1] === 'index.js')
    })
    expect(bypassing.map((e) => `${e.file}: ${e.spec}`)).toEqual([])
  })

  it('should see a cycle and a bypass when there is one', () => {
    const cyclic: Edge[] = [{ from: 'a', to: 'b', file: 'a/x.ts', spec: '../b/index.js' }, { from: 'b', to: 'a', file: 'b/y.ts', spec: '../a/index.js' }]
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'a'])
    expect(findCycle([...cyclic.slice(0, 1), { from: 'b', to: 'c', file: 'b/y.ts', spec: '../c/index.js' }])).toBeUndefined()
  })
})

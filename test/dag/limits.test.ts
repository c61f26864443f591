import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { MAX_RECIPE_BYTES, MAX_YAML_DEPTH, nameProblem, parseRecipe } from '../../src/dag/index.js'
import { createFixtureCatalog } from '../fixtures/effect-catalog.js'

const effects = createFixtureCatalog()
const VALID = 'name: t\ndag:\n  nodes:\n    - {id: in, type: SOURCE, config: {input: true}}\n    - {id: fx, type: EFFECT, config: {effect: invert}, inputs: [in]}\n  output: fx\n'

function problemsOf (text: string): Array<{ path: string, code: string, message: string }> {
  const parsed = parseRecipe(text, { effects })
  return parsed.ok ? [] : parsed.problems
}

function timed<T> (f: () => T): { value: T, ms: number } {
  const start = performance.now()
  const value = f()
  return { value, ms: performance.now() - start }
}

describe('recipe text limits', () => {
  it('should refuse a megabyte of nested [ by its size in milliseconds, before parsing', () => {
    const { value, ms } = timed(() => problemsOf('['.repeat(1024 * 1024)))
    expect(value).toEqual([{ path: 'yaml', code: 'too-large', message: `the recipe is 1048576 bytes; at most ${MAX_RECIPE_BYTES} are allowed` }])
    expect(ms).toBeLessThan(100)
  })

  it('should refuse nesting deeper than the limit in every spelling, in milliseconds, naming where', () => {
    const deep = MAX_YAML_DEPTH + 8
    const spellings = {
      brackets: `a: ${'['.repeat(MAX_RECIPE_BYTES - 8)}`,
      braces: '{a: '.repeat(deep),
      dashes: '- '.repeat(deep) + 'x',
      indentation: Array.from({ length: deep }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n'),
      'quoted keys': Array.from({ length: deep }, (_, i) => `${' '.repeat(i)}"k${i}":`).join('\n'),
      'brackets between quoted closers': '[ "]" '.repeat(deep),
      'a block scalar that ends': '- key: |\n  ' + '['.repeat(deep)
    }
    for (const [label, text] of Object.entries(spellings)) {
      const { value, ms } = timed(() => problemsOf(text))
      expect(value.map((p) => p.code), label).toEqual(['too-deep'])
      expect(value[0]?.message, label).toBe(`nesting deeper than ${MAX_YAML_DEPTH} levels ([, { and indentation together); at most ${MAX_YAML_DEPTH} are allowed`)
      expect(value[0]?.path, label).toMatch(/^line \d+, column \d+$/)
      expect(ms, label).toBeLessThan(100)
    }
  })

  it('should accept ordinary nesting, brackets inside quotes and block scalars, and the bundled recipes', () => {
    expect(problemsOf(VALID)).toEqual([])
    const described = VALID.replace('name: t\n', `name: t\ndescription: "see [1] and {2}, ${'[x] '.repeat(40)}"\n`)
    expect(problemsOf(described)).toEqual([])
    const literal = VALID.replace('name: t\n', `name: t\ndescription: |\n${Array.from({ length: 50 }, (_, i) => `  ${' '.repeat(i)}[ step ${i}`).join('\n')}\n`)
    expect(problemsOf(literal)).toEqual([])
  })

  it('should refuse more than 100 aliases', () => {
    const text = `name: &n t\nx: [${Array.from({ length: 101 }, () => '*n').join(', ')}]\n`
    expect(problemsOf(text).filter((p) => p.code === 'too-many-aliases')).toEqual([{ path: 'yaml', code: 'too-many-aliases', message: 'the recipe has 101 aliases (*name); at most 100 are allowed' }])
  })

  it('should find a duplicate key in a mapping of thousands of keys, with its line', () => {
    // checked with a set per mapping: the parser's own check compared every key with every other
    const many = Array.from({ length: 3000 }, (_, i) => `k${i}: 1`).join('\n')
    expect(problemsOf(`${many}\nk5: 2\n`)).toEqual([{ path: 'line 3001, column 1', line: 3001, column: 1, code: 'yaml-syntax', message: 'the key "k5" is written twice in one mapping' }])
  })
})

describe('names and descriptions in recipes', () => {
  it('should refuse control characters, bidi overrides and overlong names in every named field, naming the field', () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: 'a\u001b[31mred' }, 'name', /^holds the control character U\+001B at position 1; only printable characters are allowed$/],
      [{ name: 'a\nb' }, 'name', /U\+000A/],
      [{ name: 'nul\u0000' }, 'name', /U\+0000/],
      [{ name: '\u202Eevil' }, 'name', /U\+202E/],
      [{ name: 'x'.repeat(5000) }, 'name', /^is 5000 characters long; at most 128 are allowed$/],
      [{ name: 't', version: '1\r' }, 'version', /U\+000D/],
      [{ name: 't', owner: 'o\u2066' }, 'owner', /U\+2066/],
      [{ name: 't', description: 'd'.repeat(5000) }, 'description', /^is 5000 characters long; at most 4096 are allowed$/],
      [{ name: 't', description: 'bell\u0007' }, 'description', /U\+0007.*\(and newlines, tabs\)$/]
    ]
    for (const [head, path, message] of cases) {
      const text = stringify({ ...head, dag: { nodes: [{ id: 'in', type: 'SOURCE', config: { input: true } }], output: 'in' } })
      const found = problemsOf(text).filter((p) => p.path === path)
      expect(found.map((p) => p.code), path).toEqual(['bad-field'])
      expect(found[0]?.message, path).toMatch(message)
    }
    const inputs = stringify({ name: 't', dag: { nodes: [{ id: 'i\u001bd', type: 'SOURCE', config: { input: true } }, { id: 'in', type: 'SOURCE', config: { input: true, name: 'n\u202E', description: 'ok\nfine' } }], output: 'in' } })
    expect(problemsOf(inputs).map((p) => `${p.path} ${p.code}`)).toEqual(['dag.nodes[0].id bad-field', 'dag.nodes[1].config.name bad-config'])
  })

  it('should accept names of any script, emoji sequences and multi-line descriptions', () => {
    for (const name of ['ŵ'.repeat(128), 'a b', '💥🎨', '👩‍👩‍👧', 'ﷺ', '<script>x</script>', 'עברית']) expect(nameProblem(name), name).toBeUndefined()
    expect(nameProblem('line one\n\tline two', 'text')).toBeUndefined()
  })
})

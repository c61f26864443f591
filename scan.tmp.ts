import { readFileSync, readdirSync } from 'node:fs'
import { yamlLimitProblems } from './src/dag/yaml-limits.ts'
for (const f of readdirSync('config/recipes').filter(f => f.endsWith('.yaml'))) console.log(f, JSON.stringify(yamlLimitProblems(readFileSync('config/recipes/' + f, 'utf8'))))
const cases: Record<string, string> = {
  mib: '['.repeat(1024 * 1024),
  nested100k: '['.repeat(100_000),
  braces: '{'.repeat(40),
  dashes: '- '.repeat(40),
  indent: Array.from({ length: 40 }, (_, i) => ' '.repeat(i) + 'a:').join('\n'),
  quotedKeys: Array.from({ length: 40 }, (_, i) => ' '.repeat(i) + '"a":').join('\n'),
  ok31: '['.repeat(31) + ']'.repeat(31),
  quotedHide: '[ "]" '.repeat(40),
  sqInString: 'a: it\'s [[[[[\nb: ok',
  aliases: 'a: &a 1\nb: [' + '*a, '.repeat(101) + ']',
  blockScalar: 'a: |\n' + Array.from({ length: 40 }, (_, i) => '  ' + ' '.repeat(i) + 'x').join('\n') + '\nb: 1',
  blockScalarEscape: '- key: |\n  ' + '['.repeat(40),
}
for (const [k, v] of Object.entries(cases)) { const t = performance.now(); const p = yamlLimitProblems(v); console.log(k, (performance.now() - t).toFixed(1), 'ms', JSON.stringify(p)) }

import { parseDocument } from 'yaml'
const cases = {
  nestedBracket64: (n) => '['.repeat(64) + ']'.repeat(64) + '\n#' + 'x'.repeat(n),
  flatList: (n) => '[' + '1,'.repeat(n/2) + ']',
  flatListStr: (n) => '[' + 'ab,'.repeat(n/3) + ']',
  flatMap: (n) => Array.from({length: n/8}, (_, i) => `k${i}: 1`).join('\n'),
  flowMap: (n) => '{' + Array.from({length: n/8}, (_, i) => `k${i}: 1`).join(',') + '}',
  blockList: (n) => Array.from({length: n/4}, (_, i) => `- 1`).join('\n'),
  realistic: (n) => { let s = 'name: big\ndag:\n  nodes:\n    - {id: in, type: SOURCE, config: {input: true}}\n'; let i=0; while (s.length < n) { s += `    - id: n${i}\n      type: EFFECT\n      config: { effect: invert, params: { intensity: 0.5 } }\n      inputs: [${i===0?'in':'n'+(i-1)}]\n`; i++ } return s + `  output: n${i-1}\n` },
  anchors: (n) => Array.from({length: n/12}, (_, i) => `k${i}: &a${i} 1`).join('\n'),
  tags: (n) => '[' + '!!str a,'.repeat(n/8) + ']',
}
const [size0, uk] = process.argv.slice(2)
for (const [name, f] of Object.entries(cases)) {
  const text = f(Number(size0))
  const times = []
  for (let r = 0; r < 3; r++) {
    const t = performance.now()
    try { const d = parseDocument(text, {uniqueKeys: uk === 'uk'}); if (d.errors.length === 0) d.toJS({maxAliasCount: 100}) } catch (e) {}
    times.push((performance.now() - t).toFixed(0))
  }
  console.log(size0, uk, name, text.length, times.join(' '), 'ms')
}

import { Lexer, Parser } from 'yaml'
const cases = {
  nestedBracket: (n) => '['.repeat(n),
  nestedBrace: (n) => '{'.repeat(n),
  dashes: (n) => '- '.repeat(n/2),
  flatList: (n) => '[' + '1,'.repeat(n/2) + ']',
  flatMap: (n) => Array.from({length: n/8}, (_, i) => `k${i}: 1`).join('\n'),
}
for (const [name, f] of Object.entries(cases)) {
  const text = f(1048576)
  for (let r = 0; r < 2; r++) {
    let t = performance.now(); let n = 0
    for (const tok of new Lexer().lex(text)) n++
    const lex = performance.now() - t
    t = performance.now(); let m = 0
    for (const tok of new Parser().parse(text)) m++
    console.log(name, 'lex', lex.toFixed(0), 'ms', n, 'parse', (performance.now() - t).toFixed(0), 'ms')
  }
}

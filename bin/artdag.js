#!/usr/bin/env node
// Launcher of the artdag command; the CLI is compiled to dist/ by `npm run build`. The node needs Node
// >= 22.19: an older node (the system Node 20 that `npx artdag` uses on Debian 12) hands the command to
// the Node the project pins (node_modules/.bin/node, installed on linux-x64), or says what is needed.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const NEEDED = [22, 19]
const [major, minor] = process.versions.node.split('.').map(Number)
const recent = major > NEEDED[0] || (major === NEEDED[0] && minor >= NEEDED[1])
const pinned = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url))

if (recent) {
  import('../dist/src/cli/main.js').catch((err) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  })
} else if (existsSync(pinned)) {
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' })
  // Ctrl-C reaches the whole foreground process group, the child too: passing it on would be a second
  // one, which makes `serve` stop at once instead of in order. Signals sent to this process alone are passed on.
  process.on('SIGINT', () => {})
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => { child.kill(signal) })
  child.on('exit', (code, signal) => {
    if (signal != null) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
} else {
  console.error(`artdag: needs Node >= ${NEEDED.join('.')} (this is ${process.version}); the client a node serves at /download/client runs on Node 20`)
  process.exit(1)
}

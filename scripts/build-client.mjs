#!/usr/bin/env node
// Writes the downloadable CLI client (what GET /download/client serves) to a file, for distributing it
// without a running node: `node scripts/build-client.mjs [out-file]` (default dist/client/artdag.cjs).
// Needs the compiled project (`npm run build`). The node itself does not need this step: it bundles the
// client with esbuild on the first download.
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(process.argv[2] ?? resolve(root, 'dist', 'client', 'artdag.cjs'))
let web
try {
  web = await import(resolve(root, 'dist', 'src', 'web', 'index.js'))
} catch (err) {
  console.error(`build-client: run \`npm run build\` first (${err instanceof Error ? err.message : String(err)})`)
  process.exit(1)
}
try {
  const bundle = await web.buildClientBundle()
  await mkdir(dirname(out), { recursive: true })
  await writeFile(out, bundle.code, { mode: 0o755 })
  console.log(`build-client: ${out} (${bundle.code.length} bytes, ${bundle.buildMs} ms)`)
} catch (err) {
  console.error(`build-client: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}

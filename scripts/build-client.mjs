#!/usr/bin/env node
// Bundles the downloadable CLI client (src/cli/client-main.ts and what it imports: commander, cli-progress,
// the recipe checker) into one CommonJS file that runs on plain Node >= 20: dist/client/artdag.cjs, what
// GET /download/client serves. Part of `npm run build`; esbuild is a build tool, not needed at run time.
//   node scripts/build-client.mjs [out-file]
import { createHash } from 'node:crypto'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const out = resolve(process.argv[2] ?? join(root, 'dist', 'client', 'artdag.cjs'))
// the bundle has no package.json next to it: the version module becomes a constant
const { version } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'))
// the Node version the client is built for (the system Node of a Debian machine is 20)
const target = 'node20'

// the asset files stay on the node: the client knows their SHA3-256, which the effect hashes of plans include
const assetsDir = join(root, 'config', 'assets')
const assetHashes = {}
for (const file of (await readdir(assetsDir)).sort()) {
  assetHashes[file] = createHash('sha3-256').update(await readFile(join(assetsDir, file))).digest('hex')
}

const started = performance.now()
const result = await build({
  entryPoints: [join(root, 'src', 'cli', 'client-main.ts')],
  bundle: true,
  platform: 'node',
  target,
  format: 'cjs',
  write: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'error',
  // the first two lines stay first: the node serving the file adds its own line after them
  banner: { js: `#!/usr/bin/env node\n// artdag ${version}: the Art DAG L1 command line client. Run: node artdag.cjs --help\nglobalThis.ARTDAG_ASSET_HASHES = ${JSON.stringify(assetHashes)};` },
  plugins: [{
    name: 'artdag-version',
    setup (b) {
      b.onLoad({ filter: /[\\/]src[\\/]version\.(ts|js)$/ }, (args) => args.path.startsWith(join(root, 'src')) === false ? undefined : ({ contents: `export const VERSION = ${JSON.stringify(version)}`, loader: 'js' }))
    }
  }]
})
const code = result.outputFiles[0]?.contents
if (code == null) {
  console.error('build-client: esbuild produced no output')
  process.exit(1)
}
await mkdir(dirname(out), { recursive: true })
await writeFile(out, code, { mode: 0o755 })
console.log(`build-client: ${out} (${code.length} bytes, ${Math.round(performance.now() - started)} ms)`)

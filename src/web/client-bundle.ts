import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { projectRoot } from '../util/index.js'
import { VERSION } from '../version.js'
import { CLIENT_NODE_TARGET } from './constants.js'
import { ClientBundleError } from './errors.js'

export interface ClientBundle {
  code: Buffer
  etag: string
  /** milliseconds the bundling took */
  buildMs: number
}

/** The entry of the downloadable client: the TypeScript source when present, else its compiled form */
export function clientEntry (root = projectRoot()): string | undefined {
  return [join(root, 'src', 'cli', 'client-main.ts'), join(root, 'dist', 'src', 'cli', 'client-main.js')].find((p) => existsSync(p))
}

/**
 * Bundles the CLI client (src/cli/client-main.ts and what it imports: commander, cli-progress) into
 * one CommonJS file that runs on plain Node >= 20. esbuild runs at most once per process, on the
 * first download. The version module is replaced by a constant: the bundle has no package.json.
 */
export async function buildClientBundle (entry: string | null = clientEntry() ?? null): Promise<ClientBundle> {
  if (entry == null) throw new ClientBundleError('The CLI client cannot be built: its sources (src/cli/client-main.ts) are missing on this node.')
  const started = performance.now()
  let output: Uint8Array | undefined
  try {
    const { build } = await import('esbuild')
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: CLIENT_NODE_TARGET,
      format: 'cjs',
      write: false,
      minify: false,
      legalComments: 'none',
      logLevel: 'silent',
      banner: { js: `#!/usr/bin/env node\n// artdag ${VERSION}: the Art DAG L1 command line client. Run: node artdag.cjs --help` },
      plugins: [{
        name: 'artdag-version',
        setup (b) {
          b.onLoad({ filter: /[\\/]src[\\/]version\.(ts|js)$/ }, () => ({ contents: `export const VERSION = ${JSON.stringify(VERSION)}`, loader: 'js' }))
        }
      }]
    })
    output = result.outputFiles[0]?.contents
  } catch (err) {
    throw new ClientBundleError(`The CLI client cannot be built: ${(err as Error).message}`)
  }
  if (output == null) throw new ClientBundleError('The CLI client cannot be built: esbuild produced no output')
  const code = Buffer.from(output)
  return { code, etag: `"${createHash('sha256').update(code).digest('hex').slice(0, 20)}"`, buildMs: Math.round(performance.now() - started) }
}

import { execFile } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const ROOT = process.cwd()
/** the node's full program (serve, worker... plus the client commands) */
export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js')
/**
 * the client commands alone (the downloadable client's entry): main.js loads the whole node (helia,
 * libp2p) before parsing argv, about 1 s more per command on an idle machine, so most tests use this one
 */
export const CLIENT = join(ROOT, 'dist', 'src', 'cli', 'client-main.js')
export const NODE24 = join(ROOT, 'node_modules', '.bin', 'node')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

function newest (dir: string): number {
  let max = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    max = Math.max(max, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }
  return max
}

/** the downloadable client as `npm run build` bundles it */
export const BUILT_CLIENT = join(ROOT, 'dist', 'client', 'artdag.cjs')

/** Builds the project (`npm run build`: tsc, then the client bundle) when dist/ is missing or older than the CLI's sources */
export async function ensureBuilt (): Promise<void> {
  const sources = newest(join(ROOT, 'src', 'cli'))
  const fresh = (file: string): boolean => existsSync(file) && statSync(file).mtimeMs >= sources
  if (!fresh(CLI)) await run(NODE24, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {}, 240_000)
  if (!fresh(BUILT_CLIENT)) {
    const built = await run(NODE24, [join(ROOT, 'scripts', 'build-client.mjs')], {}, 120_000)
    if (built.code !== 0) throw new Error(`scripts/build-client.mjs failed: ${built.stderr}`)
  }
}

/** Runs a command to completion; never rejects on a non-zero exit */
export async function run (file: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000, cwd = ROOT): Promise<CliResult> {
  return await new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err == null ? 0 : typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1
      resolve({ code, stdout, stderr })
    })
  })
}

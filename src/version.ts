import { readFileSync } from 'node:fs'

/** The package version, read once from package.json (dist/src/version.js -> ../../package.json) */
function readVersion (): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string, version?: string }
      if (pkg.name === 'artdag-l1' && pkg.version != null) return pkg.version
    } catch {}
  }
  return '0.0.0'
}

export const VERSION = readVersion()

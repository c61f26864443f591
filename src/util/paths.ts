import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root (where package.json is), whether running from src/ (tests) or dist/src/ */
export function projectRoot (): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'config'))) return dir
    dir = dirname(dir)
  }
  throw new Error('cannot locate the artdag-l1 project root')
}

export function configPath (...parts: string[]): string {
  return join(projectRoot(), 'config', ...parts)
}

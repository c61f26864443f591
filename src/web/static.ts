import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { projectRoot } from '../util/index.js'

export interface StaticFile {
  body: Buffer
  type: string
  etag: string
}

const FILES: Record<string, string> = {
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'favicon.svg': 'image/svg+xml'
}

/**
 * The UI's own CSS and JS, read from `src/web/static` (the sources: under vitest, and after tsc, which
 * does not copy them) or `dist/src/web/static` (an image built without the sources).
 */
export function staticDir (root = projectRoot()): string {
  const candidates = [join(root, 'src', 'web', 'static'), join(root, 'dist', 'src', 'web', 'static')]
  return candidates.find((dir) => existsSync(join(dir, 'app.css'))) ?? candidates[0] as string
}

export class StaticFiles {
  private readonly cache = new Map<string, Promise<StaticFile>>()
  constructor (private readonly dir: string) {}

  /** undefined for any name but the UI's files (no path from the request ever reaches the disk) */
  async get (name: string): Promise<StaticFile | undefined> {
    const type = FILES[name]
    if (type == null) return undefined
    let file = this.cache.get(name)
    if (file == null) {
      file = readFile(join(this.dir, name)).then((body) => ({
        body, type, etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 20)}"`
      }))
      file.catch(() => this.cache.delete(name))
      this.cache.set(name, file)
    }
    return await file
  }
}

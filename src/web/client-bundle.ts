import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { projectRoot } from '../util/index.js'
import { ClientBundleError } from './errors.js'

export interface ClientBundle {
  code: Buffer
  etag: string
}

/** Where `npm run build` writes the downloadable client (scripts/build-client.mjs) */
export function clientFile (root = projectRoot()): string {
  return join(root, 'dist', 'client', 'artdag.cjs')
}

/** The client as built, read once; a node without it answers 503 naming the build step */
export async function readClientBundle (file = clientFile()): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (err) {
    throw new ClientBundleError(`The CLI client is not built on this node (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} ${file}): run \`npm run build\`.`)
  }
}

/**
 * The client as one downloader gets it: the built file with the node it came from as its default server
 * (a line after the banner that client-main.ts reads), so `node artdag.cjs runs ls` talks to that node
 */
export function clientFor (built: Buffer, server: string | undefined): ClientBundle {
  let code = built
  if (server != null) {
    const lines = built.toString('utf8').split('\n')
    // the shebang and the banner comment stay first
    code = Buffer.from([...lines.slice(0, 2), `globalThis.ARTDAG_DOWNLOADED_FROM = ${JSON.stringify(server)};`, ...lines.slice(2)].join('\n'))
  }
  return { code, etag: `"${createHash('sha256').update(code).digest('hex').slice(0, 20)}"` }
}

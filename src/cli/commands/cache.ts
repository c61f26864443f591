import { createWriteStream } from 'node:fs'
import { rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { Command } from 'commander'
import { extensionFor } from '../../media/index.js'
import type { ApiClient } from '../client.js'
import { CliError, EXIT } from '../client.js'
import { clientFor, globals, print } from '../context.js'
import { progressBar } from '../progress.js'
import { terminalText as t } from '../terminal-text.js'

/** `-` means standard output wherever a command takes a file to write */
export const STDOUT = '-'

/**
 * Refuses, before anything is submitted or downloaded, a target that cannot be written: a directory, or a
 * file in a directory that does not exist.
 */
export async function checkOutputTarget (file: string): Promise<void> {
  if (file === STDOUT) return
  const target = await stat(file).catch(() => undefined)
  if (target?.isDirectory() === true) throw new CliError(`${file} is a directory: name the file to write`, EXIT.usage)
  const dir = dirname(resolve(file))
  const parent = await stat(dir).catch(() => undefined)
  if (parent?.isDirectory() !== true) throw new CliError(`cannot write ${file}: the directory ${dir} does not exist`, EXIT.usage)
}

/**
 * Downloads content by CID to a file (via a temp name, so a failed download leaves nothing behind), or to
 * standard output for `-`. `file` may be a function of the media type the node answers with.
 */
export async function downloadTo (client: ApiClient, cid: string, file: string | ((mediaType: string | undefined) => string), showProgress: boolean): Promise<{ file: string, size: number }> {
  const res = await client.request('GET', `/cache/${encodeURIComponent(cid)}`, { headers: { accept: '*/*' }, timeoutMs: 3_600_000 })
  const target = typeof file === 'string' ? file : file(res.headers.get('content-type') ?? undefined)
  const total = Number(res.headers.get('content-length') ?? 0)
  const bar = progressBar(`download ${cid.slice(0, 16)}`, showProgress && target !== STDOUT)
  bar.start(total)
  let seen = 0
  const counter = new Transform({
    transform (chunk: Buffer, _enc, done) { seen += chunk.length; bar.update(seen); done(null, chunk) }
  })
  if (res.body == null) throw new CliError(`${cid}: the node sent no content`, EXIT.failed)
  const body = Readable.fromWeb(res.body as WebReadableStream)
  if (target === STDOUT) {
    await pipeline(body, counter, process.stdout, { end: false })
    return { file: target, size: seen }
  }
  const temp = `${target}.part-${process.pid}`
  try {
    await pipeline(body, counter, createWriteStream(temp))
    await rename(temp, target)
  } catch (err) {
    await rm(temp, { force: true })
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EACCES') {
      throw new CliError(`cannot write ${target}: ${(err as Error).message.replace(temp, target)}`, EXIT.usage)
    }
    throw err
  } finally {
    bar.stop()
  }
  return { file: target, size: seen }
}

interface ContentItem { cid: string, size?: number, mediaType?: string, name?: string, addedAt?: string }

export function registerCacheCommand (program: Command): void {
  const cache = program.command('cache').description('content on the node, by CID')
  cache.command('ls').description('list content, newest first')
    .option('--limit <n>', 'page size', '20')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (opts: { limit: string, offset: string }, cmd: Command) => {
      const page = await clientFor(cmd).json<{ items: ContentItem[], total: number }>('GET', `/cache?limit=${encodeURIComponent(opts.limit)}&offset=${encodeURIComponent(opts.offset)}`)
      const lines = page.items.map((c) => `${t(c.cid)}  ${String(c.size ?? '').padStart(10)}  ${t(c.mediaType ?? '')}  ${t(c.name ?? '')}`)
      print(cmd, lines.length > 0 ? `${lines.join('\n')}\n(${page.items.length} of ${page.total})` : 'no content', page)
    })
  cache.command('get').argument('<cid>').argument('[file]', 'where to write: a file, or - for standard output (default: the CID with the extension of its type)')
    .description('download content')
    .action(async (cid: string, file: string | undefined, _opts: unknown, cmd: Command) => {
      if (file != null) await checkOutputTarget(file)
      const { file: target, size } = await downloadTo(clientFor(cmd), cid, file ?? ((type) => `${cid}.${extensionFor(type)}`), globals(cmd).json !== true)
      // with `-` the content is the output: nothing else is printed
      if (target !== STDOUT) print(cmd, `${target} (${size} bytes)`, { cid, file: target, size })
    })
  cache.command('put').argument('<file>').description('upload a file; prints its CID')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const bar = progressBar(`upload ${file}`, globals(cmd).json !== true)
      bar.start(1)
      try {
        const result = await clientFor(cmd).upload(file, (sent, total) => { bar.start(total); bar.update(sent) })
        bar.stop()
        print(cmd, result.cid, result)
      } finally {
        bar.stop()
      }
    })
  cache.command('rm').argument('<cid>').description('delete content (not inputs/outputs of runs, not published items)')
    .action(async (cid: string, _opts: unknown, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `/cache/${encodeURIComponent(cid)}`)
      print(cmd, `deleted ${cid}`, { deleted: cid })
    })
}

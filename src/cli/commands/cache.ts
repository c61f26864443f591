import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { Command } from 'commander'
import type { ApiClient } from '../client.js'
import { clientFor, globals, print } from '../context.js'
import { progressBar } from '../progress.js'
import { terminalText as t } from '../terminal-text.js'

/** Downloads content by CID to a file (via a temp name, so a failed download leaves nothing behind) */
export async function downloadTo (client: ApiClient, cid: string, file: string, showProgress: boolean): Promise<number> {
  const res = await client.request('GET', `/cache/${encodeURIComponent(cid)}`, { headers: { accept: '*/*' }, timeoutMs: 3_600_000 })
  const total = Number(res.headers.get('content-length') ?? 0)
  const bar = progressBar(`download ${cid.slice(0, 16)}`, showProgress)
  bar.start(total)
  let seen = 0
  const counter = new Transform({
    transform (chunk: Buffer, _enc, done) { seen += chunk.length; bar.update(seen); done(null, chunk) }
  })
  const temp = `${file}.part-${process.pid}`
  try {
    if (res.body == null) throw new Error('empty response')
    await pipeline(Readable.fromWeb(res.body as WebReadableStream), counter, createWriteStream(temp))
    await rename(temp, file)
  } catch (err) {
    await rm(temp, { force: true })
    throw err
  } finally {
    bar.stop()
  }
  return seen
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
  cache.command('get').argument('<cid>').argument('[file]', 'where to write (default: the CID)')
    .description('download content')
    .action(async (cid: string, file: string | undefined, _opts: unknown, cmd: Command) => {
      const target = file ?? cid
      const size = await downloadTo(clientFor(cmd), cid, target, globals(cmd).json !== true)
      print(cmd, `${target} (${size} bytes)`, { cid, file: target, size })
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

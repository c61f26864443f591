/**
 * The baselines of the reads bench, in a process of their own as the node is: a bare Koa app serving the
 * same answers from memory (the PNG, a health JSON, a run's JSON) and a raw TCP source that writes
 * `bytes` to each connection and closes it. Started by bench/reads.ts with a JSON config in argv[2];
 * prints `ready <http port> <tcp port>`.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import Koa from 'koa'

interface BareConfig { png: string, runJson: string, bytes: number }

const config = JSON.parse(process.argv[2] ?? '{}') as BareConfig
const png = readFileSync(config.png)
const etag = `"${createHash('sha256').update(png).digest('hex')}"`
const run = JSON.parse(readFileSync(config.runJson, 'utf8')) as unknown

const app = new Koa()
app.use((ctx) => {
  if (ctx.path === '/content') {
    ctx.set('ETag', etag)
    ctx.type = 'image/png'
    ctx.body = png
  } else if (ctx.path === '/health') {
    ctx.body = { status: 'ok' }
  } else if (ctx.path === '/run') {
    ctx.body = run
  } else {
    ctx.status = 404
  }
})
const http = app.listen(0, '127.0.0.1')

const MiB = 1024 * 1024
const block = Buffer.alloc(MiB, 0x5a)
/** writes `config.bytes` as fast as the socket takes them */
function send (sock: Socket): void {
  let left = config.bytes
  const more = (): void => {
    while (left > 0) {
      const n = Math.min(left, MiB)
      left -= n
      if (!sock.write(n === MiB ? block : block.subarray(0, n))) { sock.once('drain', more); return }
    }
    sock.end()
  }
  more()
}
const tcp = createServer(send).listen(0, '127.0.0.1')

await Promise.all([new Promise((resolve) => http.once('listening', resolve)), new Promise((resolve) => tcp.once('listening', resolve))])
process.stdout.write(`ready ${(http.address() as AddressInfo).port} ${(tcp.address() as AddressInfo).port}\n`)
process.stdin.resume()
process.stdin.on('end', () => { http.close(); tcp.close(); process.exit(0) })

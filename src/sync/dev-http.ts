/**
 * The HTTP side of the dev peer (multi-process tests, the mesh bench): the node's own
 * `GET /ipfs/{cid}` route on a bare Koa app (open reads), and a raw TCP sender from the same process as
 * the reference for throughput.
 */
import { randomBytes } from 'node:crypto'
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import Router from '@koa/router'
import Koa from 'koa'
import { describeError } from '../api/index.js'
import { ipfsRouter } from '../api/index.js'
import type { CarBlockSource } from '../store/index.js'

export interface DevHttp {
  url: string
  /** a TCP server that writes `bytes` random bytes to each client, then closes; resolves with its port */
  rawTcp(bytes: number): Promise<number>
  close(): Promise<void>
}

export async function startDevHttp (helia: CarBlockSource): Promise<DevHttp> {
  const app = new Koa()
  app.silent = true
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      if (ctx.headerSent) return
      const described = describeError(err)
      ctx.status = described?.status ?? 500
      ctx.body = described?.body ?? { error: 'internal', message: (err as Error).message }
    }
  })
  const router = ipfsRouter({ auth: { requireRead: async (_ctx, next) => { await next() } }, mesh: { helia } }, new Router())
  app.use(router.routes())
  const server: Server = app.listen({ port: 0, host: '127.0.0.1' })
  await new Promise<void>((resolve, reject) => { server.once('listening', resolve); server.once('error', reject) })
  const tcp: TcpServer[] = []
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async rawTcp (bytes) {
      // 8 MiB of random bytes sent over and over: as incompressible as the CAR, without disk reads
      const block = randomBytes(8 * 1024 * 1024)
      const srv = createTcpServer((socket) => {
        let left = bytes
        const write = (): void => {
          while (left > 0) {
            const piece = left >= block.byteLength ? block : block.subarray(0, left)
            left -= piece.byteLength
            if (!socket.write(piece)) { socket.once('drain', write); return }
          }
          socket.end()
        }
        write()
      })
      tcp.push(srv)
      await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
      return (srv.address() as AddressInfo).port
    },
    async close () {
      for (const s of tcp) s.close()
      await new Promise<void>((resolve) => { server.close(() => { resolve() }); server.closeAllConnections() })
    }
  }
}

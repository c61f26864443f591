import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

/**
 * A redis-server for the peers the node is compared with (Celery, raw BullMQ): a unix socket only, and
 * the same persistence as the node's managed Redis (AOF, fsync every second, no RDB snapshots)
 */
export interface BareRedis {
  socket: string
  stop: () => Promise<void>
}

export async function startBareRedis (dir: string): Promise<BareRedis> {
  const socket = join(dir, 'redis.sock')
  const child: ChildProcess = spawn('redis-server', ['--port', '0', '--unixsocket', socket, '--unixsocketperm', '700', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', ''], { stdio: 'ignore' })
  const started = Date.now()
  while (!existsSync(socket)) {
    if (child.exitCode != null) throw new Error(`redis-server exited with ${child.exitCode}`)
    if (Date.now() - started > 20_000) throw new Error('redis-server did not open its socket within 20 s')
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return {
    socket,
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}

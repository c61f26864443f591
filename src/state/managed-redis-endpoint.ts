import { randomBytes } from 'node:crypto'
import { chmod, readFile, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { join } from 'node:path'

/**
 * The port and password of a data dir's managed redis-server, kept in `<dir>/port` and `<dir>/password`
 * (owner-only files) so that they stay the same across restarts of the node: a worker on another machine
 * keeps working with the URL and password it was given. The password file is what `artdag worker
 * --redis-password-file` reads (a copy of it, on another machine).
 */
export interface ManagedRedisEndpoint {
  password: string
  passwordFile: string
  /** the recorded port; undefined before the first successful start */
  port?: number
  portFile: string
}

export async function loadEndpoint (dir: string): Promise<ManagedRedisEndpoint> {
  const passwordFile = join(dir, 'password')
  const portFile = join(dir, 'port')
  let password = (await readOwnerOnly(passwordFile))?.trim()
  if (password == null || password === '') {
    password = randomBytes(24).toString('hex')
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 })
  }
  const recorded = (await readOwnerOnly(portFile))?.trim()
  const port = recorded == null ? undefined : Number.parseInt(recorded, 10)
  return { password, passwordFile, portFile, ...(port != null && port > 0 && port < 65536 ? { port } : {}) }
}

export async function recordPort (endpoint: ManagedRedisEndpoint, port: number): Promise<void> {
  await writeFile(endpoint.portFile, `${port}\n`, { mode: 0o600 })
  endpoint.port = port
}

/** the file's text, its mode tightened to owner-only first (a copy restored from a backup may be looser) */
async function readOwnerOnly (file: string): Promise<string | undefined> {
  try {
    await chmod(file, 0o600)
    return await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw err
  }
}

/** a port nobody listens on at `host` now (the first start picks its port with this, then keeps it) */
export async function freePort (host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address != null ? address.port : 0
      server.close(() => { resolve(port) })
    })
  })
}

const WILDCARDS = new Set(['0.0.0.0', '::', '*'])

/** the address this machine's clients reach a server bound to `bind` at: loopback when it listens there */
export function connectHost (bind: readonly string[]): string {
  if (bind.some((a) => a === '127.0.0.1' || WILDCARDS.has(a))) return '127.0.0.1'
  if (bind.includes('::1')) return '[::1]'
  const first = bind[0] ?? '127.0.0.1'
  return first.includes(':') ? `[${first}]` : first
}

/** whether clients on other machines can reach a server bound to `bind` */
export function reachableFromOthers (bind: readonly string[]): boolean {
  return bind.some((a) => a !== '127.0.0.1' && a !== '::1' && !a.startsWith('127.'))
}

export function isWildcard (address: string): boolean {
  return WILDCARDS.has(address)
}

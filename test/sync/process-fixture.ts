import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { testPrefix, testRedisUrl } from '../fixtures/redis.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'

const ROOT = resolve(import.meta.dirname, '../..')
const SCRIPT = join(ROOT, 'dist/test/sync/dev-peer.js')

function newestMtime (dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  }
  return newest
}

/** `npm run build` (tsc) unless dist/ already holds a dev-peer newer than the sources it runs */
export function ensureBuilt (): void {
  const sources = ['src/sync', 'src/store', 'src/mesh', 'src/state', 'test/sync'].map((d) => newestMtime(join(ROOT, d)))
  if (existsSync(SCRIPT) && statSync(SCRIPT).mtimeMs >= Math.max(...sources)) return
  try {
    execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'pipe' })
  } catch {
    // tsc emits even when files of other areas have type errors; only a missing script is fatal
  }
  if (!existsSync(SCRIPT)) throw new Error(`build did not produce ${SCRIPT}`)
}

export interface PeerProcess {
  peerId: string
  addrs: string[]
  child: ChildProcess
  call<T = unknown>(op: string, args?: Record<string, unknown>): Promise<T>
  kill(): void
  stop(): Promise<void>
}

/** starts dist/test/sync/dev-peer.js with its own data dir and Redis prefix */
export async function startPeerProcess (init: { swarmKey?: string, intervalMs?: number, hintMaxEntries?: number, compactAfterBatches?: number } = {}): Promise<PeerProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-peer-'))
  // the suite's cluster unless a test passes another key (or undefined: a stranger with a key of its own)
  const config = { dataDir, redisUrl: testRedisUrl(), prefix: testPrefix(), swarmKey: TEST_SWARM_KEY_HEX, ...init }
  const child = spawn(process.execPath, [SCRIPT], { env: { ...process.env, ARTDAG_DEV_PEER: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>()
  let nextId = 1
  const ready = new Promise<{ peerId: string, addrs: string[] }>((resolve, reject) => {
    child.once('exit', (code) => {
      reject(new Error(`dev-peer exited with ${String(code)}`))
      for (const w of waiting.values()) w.reject(new Error(`dev-peer exited with ${String(code)}`))
    })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const msg = JSON.parse(line) as { event?: string, id?: number, ok?: boolean, result?: unknown, error?: { name: string, message: string }, peerId?: string, addrs?: string[] }
      if (msg.event === 'ready') return resolve({ peerId: msg.peerId as string, addrs: msg.addrs as string[] })
      const w = waiting.get(msg.id as number)
      if (w == null) return
      waiting.delete(msg.id as number)
      if (msg.ok === true) w.resolve(msg.result)
      else w.reject(Object.assign(new Error(msg.error?.message), { name: msg.error?.name ?? 'Error' }))
    })
  })
  const { peerId, addrs } = await ready
  let exited = false
  child.once('exit', () => { exited = true })
  const cleanup = async (): Promise<void> => { await rm(dataDir, { recursive: true, force: true }) }
  return {
    peerId,
    addrs,
    child,
    async call<T> (op: string, args: Record<string, unknown> = {}): Promise<T> {
      const id = nextId++
      const p = new Promise<T>((resolve, reject) => waiting.set(id, { resolve: resolve as (v: unknown) => void, reject }))
      child.stdin?.write(JSON.stringify({ id, op, ...args }) + '\n')
      return await p
    },
    kill () { child.kill('SIGKILL') },
    async stop () {
      if (!exited) {
        const gone = new Promise((resolve) => child.once('exit', resolve))
        child.stdin?.end()
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5000))])
        if (!exited) child.kill('SIGKILL')
      }
      await cleanup()
    }
  }
}

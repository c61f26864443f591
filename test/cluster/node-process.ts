import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { runFfmpeg } from '../../src/effects/index.js'
import { projectRoot } from '../../src/util/paths.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'

const root = projectRoot()
const cli = join(root, 'dist', 'src', 'cli', 'main.js')
const nodeBin = join(root, 'node_modules', '.bin', 'node')

export interface NodeProcess {
  child: ChildProcess
  url: string
  peerId: string
  multiaddr: string
  dataDir: string
  log: () => string
  /** JSON request against the node's API */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number, body: T }>
  stop(signal?: NodeJS.Signals): Promise<void>
}

/** `artdag serve` as its own process (own managed Redis under its data dir), on 127.0.0.1 */
export async function startNodeProcess (dataDir: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)')
  const child = spawn(nodeBin, [cli, 'serve'], {
    env: {
      ...process.env,
      ARTDAG_DATA_DIR: dataDir,
      PORT: '0',
      ARTDAG_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ARTDAG_AUTH: 'none',
      ARTDAG_WORKERS: '2',
      ARTDAG_SWARM_KEY: TEST_SWARM_KEY_HEX,
      LOG_LEVEL: 'warn',
      ...env
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr?.on('data', (d: Buffer) => { out += d.toString() })
  const started = Date.now()
  while (!/serving (http:\S+)/.test(out) || !/libp2p (\S+)/.test(out)) {
    if (child.exitCode != null) throw new Error(`node exited with ${child.exitCode}:\n${out}`)
    if (Date.now() - started > 60_000) throw new Error(`node did not start within 60 s:\n${out}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const url = /serving (http:\S+)/.exec(out)![1]!
  const multiaddr = /libp2p (\S+)/.exec(out)![1]!
  const peerId = /node (\S+) serving/.exec(out)![1]!
  return {
    child,
    url,
    peerId,
    multiaddr,
    dataDir,
    log: () => out,
    async api<T> (method: string, path: string, body?: unknown) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined
      })
      const text = await res.text()
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T }
    },
    async stop (signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode != null || child.signalCode != null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/**
 * The admin token of a local-auth node that has not started yet: `artdag admin-token rotate` on its data dir
 * (the node shows its token on a terminal only, and test processes have none)
 */
export async function adminTokenFor (dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(nodeBin, [cli, 'admin-token', 'rotate', '--data-dir', dataDir], {
    env: { ...process.env, REDIS_URL: '', ARTDAG_AUTH: 'local' }
  })
  const token = /^\s+(\S+)$/m.exec(stdout)?.[1]
  if (token == null) throw new Error(`admin-token rotate printed no token:\n${stdout}`)
  return token
}

/** a 640x360 test clip of `seconds` made with ffmpeg under `dir`, uploaded to the node: its CID */
export async function uploadTestClip (node: Pick<NodeProcess, 'url'>, dir: string, seconds: number): Promise<string> {
  const file = join(dir, 'slow.mp4')
  await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file])
  const res = await fetch(`${node.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'video/mp4' }, body: await readFile(file) })
  return (await res.json() as { cid: string }).cid
}

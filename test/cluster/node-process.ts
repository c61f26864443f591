import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { runFfmpeg } from '../../src/effects/index.js'
import { CLI_MAIN, NODE_BIN, startServeProcess, type ServeProcess } from '../fixtures/cli-process.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'

export interface NodeProcess extends ServeProcess {
  dataDir: string
  /** JSON request against the node's API */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number, body: T }>
}

/** `artdag serve` as its own process (own managed Redis under its data dir), two workers, the suite's swarm key */
export async function startNodeProcess (dataDir: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  const node = await startServeProcess(dataDir, { ARTDAG_WORKERS: '2', ARTDAG_SWARM_KEY: TEST_SWARM_KEY_HEX, ...env })
  return {
    ...node,
    dataDir,
    async api<T> (method: string, path: string, body?: unknown) {
      const res = await fetch(`${node.url}${path}`, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined
      })
      const text = await res.text()
      return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as T }
    }
  }
}

/**
 * The admin token of a local-auth node that has not started yet: `artdag admin-token rotate` on its data dir
 * (the node shows its token on a terminal only, and test processes have none)
 */
export async function adminTokenFor (dataDir: string): Promise<string> {
  const { stdout } = await promisify(execFile)(NODE_BIN, [CLI_MAIN, 'admin-token', 'rotate', '--data-dir', dataDir], {
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

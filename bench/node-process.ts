import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { join } from 'node:path'
import { projectRoot } from '../src/util/paths.js'

/** `artdag serve` in its own process (its own managed redis-server under its data dir), on 127.0.0.1 */
export interface NodeProcess {
  url: string
  peerId: string
  multiaddr: string
  child: ChildProcess
  log: () => string
  stop: () => Promise<void>
}

export async function startNodeProcess (dataDir: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  const root = projectRoot()
  const cli = join(root, 'dist', 'src', 'cli', 'main.js')
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` first')
  const child = spawn(join(root, 'node_modules', '.bin', 'node'), [cli, 'serve'], {
    env: {
      ...process.env,
      ARTDAG_DATA_DIR: dataDir,
      PORT: '0',
      ARTDAG_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ARTDAG_AUTH: 'none',
      ARTDAG_SYNC: 'false',
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
  return {
    url: /serving (http:\S+)/.exec(out)?.[1] as string,
    peerId: /node (\S+) serving/.exec(out)?.[1] as string,
    multiaddr: /libp2p (\S+)/.exec(out)?.[1] as string,
    child,
    log: () => out,
    stop: async () => {
      if (child.exitCode != null || child.signalCode != null) return
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** One kept-alive connection for timed requests: what a scripted client of the API holds */
export function keptAlive (): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1 })
}

/** A request over `agent`; resolves with the status and the body once it has been read */
export async function call (agent: Agent, url: string, method: string, body?: string | Buffer, type = 'application/json'): Promise<{ status: number, text: string }> {
  return await new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { accept: 'application/json' }
    if (body != null) Object.assign(headers, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d))
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }) })
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** `call` that expects a 2xx JSON answer */
export async function callJson<T> (agent: Agent, url: string, method: string, body?: string | Buffer, type?: string): Promise<T> {
  const { status, text } = await call(agent, url, method, body, type)
  if (status >= 300) throw new Error(`${method} ${url} answered ${status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

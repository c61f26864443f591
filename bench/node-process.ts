import { Agent, request } from 'node:http'
import { startServeProcess, type ServeProcess } from '../test/fixtures/cli-process.js'

/** `artdag serve` in its own process (its own managed redis-server under its data dir), on 127.0.0.1 */
export type NodeProcess = ServeProcess

/** A node for a benchmark: the test suite's start, without sync (a bench measures one node) */
export async function startNodeProcess (dataDir: string, env: Record<string, string> = {}): Promise<NodeProcess> {
  return await startServeProcess(dataDir, { ARTDAG_SYNC: 'false', ...env })
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

import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { request, Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { CacheId, Cid, PlanId } from '../src/dag/ids.js'
import { L1Node } from '../src/node.js'
import type { RunRecord } from '../src/state/types.js'
import { silentLogger } from '../src/util/logger.js'

interface Row { name: string, value: number, unit: string, goal?: string, met?: boolean, note?: string }

const agent = new Agent({ keepAlive: true, maxSockets: 1 })

/** one request over a kept-alive connection; resolves with the status once the body is read */
async function hit (base: string, method: string, path: string, body?: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, agent, headers: body != null ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.resume()
      res.on('end', () => { resolve(res.statusCode ?? 0) })
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function timeIt (n: number, fn: () => Promise<number>, expected: number): Promise<{ p50: number, p95: number, mean: number }> {
  for (let i = 0; i < Math.min(50, n); i++) await fn()
  const times: number[] = []
  for (let i = 0; i < n; i++) {
    const started = performance.now()
    const status = await fn()
    times.push(performance.now() - started)
    if (status !== expected) throw new Error(`expected HTTP ${expected}, got ${status}`)
  }
  times.sort((a, b) => a - b)
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  const round = (x: number): number => Math.round(x * 1000) / 1000
  return { p50: round(at(0.5)), p95: round(at(0.95)), mean: round(times.reduce((a, b) => a + b, 0) / times.length) }
}

function fakeRun (i: number): RunRecord {
  const id = i.toString(16).padStart(64, '0') as PlanId
  const at = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString()
  const cid = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid
  return {
    id, status: i % 10 === 0 ? 'failed' : 'completed', recipeName: 'dog', inputs: [{ name: 'input', cid }], outputCid: cid,
    steps: [
      { id: 'input', type: 'SOURCE', cacheId: id as unknown as CacheId, status: 'cached', cid },
      { id: 'effect', type: 'EFFECT', cacheId: id as unknown as CacheId, status: 'completed', cid, effect: { name: 'dog', version: '1' } }
    ],
    createdAt: at, updatedAt: at, finishedAt: at
  }
}

/**
 * The API's answer times, measured against a whole node (managed redis-server, Helia, workers):
 * a run that is already known (the cached-run answer) against a bare GET /health in the same process,
 * and a page of GET /runs with 100,000 stored runs.
 */
export async function runApiBench (): Promise<{ rows: Row[], raw: Record<string, unknown> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-bench-api-'))
  const node = new L1Node({ logger: silentLogger(), config: { dataDir, p2pListen: ['/ip4/127.0.0.1/tcp/0'], port: 0, authMode: 'none', workers: 1, syncEnabled: false } })
  try {
    await node.start()
    const url = node.apiUrl
    if (url == null) throw new Error('the node did not start its HTTP API')
    {
      const runBody = JSON.stringify({ recipe: 'identity', inputs: ['cat'] })
      const first = await hit(url, 'POST', '/runs?wait=120', runBody)
      if (first !== 201 && first !== 200) throw new Error(`first run answered ${first}`)
      const n = 500
      const health = await timeIt(n, async () => await hit(url, 'GET', '/health'), 200)
      const cachedRun = await timeIt(n, async () => await hit(url, 'POST', '/runs', runBody), 200)

      const total = 100_000
      for (let i = 0; i < total; i += 2000) {
        await Promise.all(Array.from({ length: 2000 }, async (_, k) => await node.state.runs.create(fakeRun(i + k + 1))))
      }
      const firstPage = await timeIt(300, async () => await hit(url, 'GET', '/runs?limit=20'), 200)
      const deepPage = await timeIt(300, async () => await hit(url, 'GET', '/runs?offset=60000&limit=20'), 200)
      const failedPage = await timeIt(300, async () => await hit(url, 'GET', '/runs?status=failed&offset=5000&limit=20'), 200)
      const ratio = Math.round((cachedRun.p50 / health.p50) * 100) / 100
      const rows: Row[] = [
        { name: 'cached run answer p50', value: cachedRun.p50, unit: 'ms', goal: '<= 10 ms', met: cachedRun.p50 <= 10 },
        { name: 'cached run / GET /health p50', value: ratio, unit: 'x', goal: '<= 3x', met: ratio <= 3, note: `health p50 ${health.p50} ms` },
        { name: 'GET /runs page, 100k runs, p50', value: firstPage.p50, unit: 'ms', goal: '<= 20 ms', met: firstPage.p50 <= 20 },
        { name: 'GET /runs deep page (offset 60k) p50', value: deepPage.p50, unit: 'ms', goal: '<= 20 ms', met: deepPage.p50 <= 20 }
      ]
      return { rows, raw: { requests: n, health, cachedRun, runs: total, firstPage, deepPage, failedPage } }
    }
  } finally {
    agent.destroy()
    await node.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runApiBench().then(async (result) => {
    await mkdir('bench-results', { recursive: true })
    await writeFile(join('bench-results', 'api.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n')
    process.stdout.write(JSON.stringify(result.rows, null, 2) + '\n')
  }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exitCode = 1
  })
}

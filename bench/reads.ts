/**
 * Reads, from outside, side by side in one run:
 * - read throughput of the node against a bare Koa app (bench/bare-koa.ts, its own process like the node):
 *   32 keep-alive autocannon clients on a 20 KB PNG (`GET /cache/{cid}`), `GET /health` and a run's JSON,
 *   rounds alternating between the two, medians;
 * - the user-level GET of 256 MiB that only a peer holds: `GET /cache/{cid}` on node B of content uploaded
 *   to node A (one cluster), time to first byte and throughput, against raw TCP on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { connect } from 'node:net'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { runFfmpeg } from '../src/effects/index.js'
import { SwarmKey } from '../src/mesh/index.js'
import type { BenchResult, GoalRow } from './index.js'
import { callJson, keptAlive, startNodeProcess, type NodeProcess } from './node-process.js'
import { median } from './stats.js'

/** The part of autocannon's API used here (the package ships no types) */
interface CannonResult { requests: { average: number }, errors: number, timeouts: number, non2xx: number, latency: { p50: number, p99: number } }
type Cannon = (opts: { url: string, connections: number, duration: number, headers?: Record<string, string> }) => Promise<CannonResult>

export interface ReadsBenchInit {
  /** keep-alive clients @default 32 */
  connections?: number
  /** seconds per measurement @default 5 */
  durationS?: number
  /** alternating rounds per endpoint @default 3 */
  rounds?: number
  /** size of the peer GET @default 256 MiB */
  peerBytes?: number
  /** peer GETs (each of new content) and raw TCP transfers @default 3 */
  peerRepetitions?: number
}

const MiB = 1024 * 1024
const BARE = fileURLToPath(new URL('./bare-koa.js', import.meta.url))

interface Bare { http: string, tcpPort: number, child: ChildProcess }

async function startBare (config: Record<string, unknown>): Promise<Bare> {
  const child = spawn(process.execPath, [BARE, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const line = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => { reject(new Error(`bare-koa exited with ${String(code)}`)) })
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', resolve)
  })
  const [, http, tcp] = line.split(' ')
  return { http: `http://127.0.0.1:${http}`, tcpPort: Number(tcp), child }
}

/** a PNG of about 20 KB (noise compresses poorly, so its size is the picture's size) */
async function smallPng (dir: string): Promise<Buffer> {
  const file = join(dir, 'small.png')
  await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=gray:size=96x80,format=rgb24,noise=alls=100:allf=u', '-frames:v', '1', '-pix_fmt', 'rgb24', file])
  return await readFile(file)
}

async function rawTcp (port: number, bytes: number): Promise<{ ms: number, firstByteMs: number }> {
  const t0 = performance.now()
  let got = 0
  let first = NaN
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    sock.on('data', (d: Buffer) => { if (got === 0) first = performance.now() - t0; got += d.byteLength })
    sock.on('end', () => { resolve() })
    sock.on('error', reject)
  })
  if (got !== bytes) throw new Error(`raw TCP got ${got} of ${bytes} bytes`)
  return { ms: performance.now() - t0, firstByteMs: first }
}

/** GET of the whole body, hashed as it arrives: time to the first body byte, total time, sha256 */
async function timedGet (url: string): Promise<{ status: number, ms: number, firstByteMs: number, bytes: number, sha256: string }> {
  const t0 = performance.now()
  return await new Promise((resolve, reject) => {
    request(url, (res) => {
      const hash = createHash('sha256')
      let bytes = 0
      let first = NaN
      res.on('data', (d: Buffer) => { if (bytes === 0) first = performance.now() - t0; bytes += d.byteLength; hash.update(d) })
      res.on('end', () => { resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0, firstByteMs: first, bytes, sha256: hash.digest('hex') }) })
      res.on('error', reject)
    }).on('error', reject).end()
  })
}

async function * randomChunks (total: number, hash: ReturnType<typeof createHash>): AsyncGenerator<Buffer> {
  for (let sent = 0; sent < total; sent += MiB) {
    const chunk = randomBytes(Math.min(MiB, total - sent))
    hash.update(chunk)
    yield chunk
  }
}

/** streams `bytes` of new random content to `node`; its CID and sha256 */
async function uploadRandom (node: NodeProcess, bytes: number): Promise<{ cid: string, sha256: string }> {
  const hash = createHash('sha256')
  const res = await fetch(`${node.url}/cache/upload`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: ReadableStream.from(randomChunks(bytes, hash)),
    duplex: 'half'
  } as RequestInit)
  const text = await res.text()
  if (res.status >= 300) throw new Error(`upload answered ${res.status}: ${text.slice(0, 300)}`)
  return { cid: (JSON.parse(text) as { cid: string }).cid, sha256: hash.digest('hex') }
}

const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)
const f = (x: number, digits = 0): string => x.toFixed(digits)

export async function runReadsBench (init: ReadsBenchInit = {}): Promise<BenchResult> {
  const connections = init.connections ?? 32
  const durationS = init.durationS ?? 5
  const rounds = init.rounds ?? 3
  const peerBytes = init.peerBytes ?? 256 * MiB
  const repetitions = init.peerRepetitions ?? 3
  const cannon = createRequire(import.meta.url)('autocannon') as Cannon
  const dir = await mkdtemp(join(tmpdir(), 'artdag-bench-reads-'))
  const swarmKey = SwarmKey.generate().fileText()
  const stopping: Array<() => Promise<void>> = []
  try {
    const a = await startNodeProcess(join(dir, 'a'), { ARTDAG_SWARM_KEY: swarmKey, ARTDAG_SYNC: 'true' })
    stopping.push(a.stop)
    const agent = keptAlive()
    stopping.push(async () => { agent.destroy() })
    const png = await smallPng(dir)
    const { cid } = await callJson<{ cid: string }>(agent, `${a.url}/cache/upload`, 'POST', png, 'image/png')
    const run = await callJson<{ id: string, status: string }>(agent, `${a.url}/runs?wait=60`, 'POST', JSON.stringify({ recipe: 'identity', inputs: [cid] }))
    if (run.status !== 'completed') throw new Error(`the seed run ended ${run.status}`)
    const runJson = join(dir, 'run.json')
    await writeFile(runJson, JSON.stringify(await callJson(agent, `${a.url}/runs/${run.id}`, 'GET')))
    await writeFile(join(dir, 'small.png'), png)
    const bare = await startBare({ png: join(dir, 'small.png'), runJson, bytes: peerBytes })
    stopping.push(async () => { bare.child.stdin?.end(); await new Promise((resolve) => bare.child.once('exit', resolve)) })

    // throughput: node and bare Koa alternate, each round on both
    const groups: Array<{ name: string, node: string, koa: string, goal: number }> = [
      { name: `${(png.byteLength / 1024).toFixed(0)} KB PNG (GET /cache/{cid})`, node: `/cache/${cid}`, koa: '/content', goal: 0.3 },
      { name: 'GET /health', node: '/health', koa: '/health', goal: 0.5 },
      { name: 'a run\'s JSON (GET /runs/{id})', node: `/runs/${run.id}`, koa: '/run', goal: 0.3 }
    ]
    const rows: GoalRow[] = []
    const throughput: Record<string, { node: number[], koa: number[], nodeP99: number[], koaP99: number[] }> = {}
    for (const g of groups) {
      const t = { node: [] as number[], koa: [] as number[], nodeP99: [] as number[], koaP99: [] as number[] }
      for (let r = 0; r < rounds; r++) {
        for (const [side, url] of [['node', `${a.url}${g.node}`], ['koa', `${bare.http}${g.koa}`]] as const) {
          const res = await cannon({ url, connections, duration: durationS, headers: { accept: 'application/json' } })
          if (res.errors + res.timeouts + res.non2xx > 0) throw new Error(`${side} ${url}: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx`)
          t[side].push(res.requests.average)
          t[side === 'node' ? 'nodeP99' : 'koaP99'].push(res.latency.p99)
        }
      }
      throughput[g.name] = t
      const ratio = median(t.node) / median(t.koa)
      rows.push({ name: `${g.name}, ${connections} keep-alive clients / bare Koa`, value: ratio, unit: 'x', goal: `>= ${g.goal}x`, met: ratio >= g.goal, note: `${f(median(t.node))} vs ${f(median(t.koa))} req/s` })
    }

    // the peer GET: B holds nothing, A holds the content; B is bootstrapped to A
    const b = await startNodeProcess(join(dir, 'b'), { ARTDAG_SWARM_KEY: swarmKey, ARTDAG_SYNC: 'true', ARTDAG_BOOTSTRAP: a.multiaddr })
    stopping.push(b.stop)
    const gets: Array<{ ms: number, firstByteMs: number }> = []
    const tcp: Array<{ ms: number, firstByteMs: number }> = []
    for (let r = 0; r < repetitions; r++) {
      const content = await uploadRandom(a, peerBytes)
      tcp.push(await rawTcp(bare.tcpPort, peerBytes))
      const got = await timedGet(`${b.url}/cache/${content.cid}`)
      if (got.status !== 200 || got.bytes !== peerBytes || got.sha256 !== content.sha256) throw new Error(`peer GET: HTTP ${got.status}, ${got.bytes} of ${peerBytes} bytes, ${got.sha256 === content.sha256 ? 'same' : 'different'} bytes`)
      gets.push(got)
    }
    const getMs = median(gets.map((g) => g.ms))
    const tcpMs = median(tcp.map((t) => t.ms))
    const ttfb = median(gets.map((g) => g.firstByteMs))
    const size = `${peerBytes / MiB} MiB`
    rows.push(
      { name: `user GET of ${size} only a peer holds: first byte`, value: ttfb, unit: 'ms', goal: '<= 200 ms', met: ttfb <= 200, note: `runs ${gets.map((g) => f(g.firstByteMs)).join(', ')} ms` },
      { name: `user GET of ${size} only a peer holds / raw TCP on loopback`, value: tcpMs / getMs, unit: 'x', goal: '>= 0.5x', met: tcpMs / getMs >= 0.5, note: `${f(mbps(peerBytes, getMs))} vs ${f(mbps(peerBytes, tcpMs))} MB/s` }
    )
    return {
      rows,
      raw: {
        connections, durationS, rounds, pngBytes: png.byteLength, throughputReqPerS: throughput,
        peer: { bytes: peerBytes, repetitions, getMs: gets, rawTcpMs: tcp, getMBps: mbps(peerBytes, getMs), rawTcpMBps: mbps(peerBytes, tcpMs) },
        note: 'node and bare Koa each run in their own process; autocannon runs in the bench process; the peer GET goes to node B (its own process) for content uploaded to node A, both bootstrapped into one cluster'
      }
    }
  } finally {
    for (const stop of stopping.reverse()) await stop().catch(() => {})
    await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  }
}

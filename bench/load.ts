import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { startNodeProcess } from './node-process.js'

interface Row { name: string, value: number, unit: string, goal?: string, met?: boolean, note?: string }

/** The part of autocannon's API used here (the package ships no types) */
interface CannonRequest { method?: string, path: string, headers?: Record<string, string> }
interface CannonResult {
  requests: { average: number, total: number }
  latency: { p50: number, p90: number, p99: number, max: number, average: number }
  errors: number
  timeouts: number
  non2xx: number
  statusCodeStats: Record<string, { count: number }>
}
type Cannon = (opts: { url: string, connections: number, duration: number, requests: CannonRequest[], timeout?: number }) => Promise<CannonResult>

export interface LoadBenchInit {
  /** concurrent clients on the read endpoints, shared out over the endpoint groups @default 200 */
  connections?: number
  /** seconds of read load @default 60 */
  durationS?: number
  /** distinct cheap runs submitted at once while the reads go on @default 50 */
  submissions?: number
}

export interface GroupResult {
  rps: number
  total: number
  p50: number
  p90: number
  p99: number
  max: number
  errors: number
  non2xx: number
  statuses: Record<string, number>
}

export interface LoadRaw {
  connections: number
  durationS: number
  groups: Record<string, GroupResult>
  submissions: { submitted: number, completed: number, failed: string[], allDoneMs: number }
}

const DEFAULTS = { connections: 200, durationS: 60, submissions: 50 }

async function json<T> (url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init)
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${init?.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 300)}`)
  return JSON.parse(text) as T
}

/** Content, a stored recipe and finished runs for the read endpoints to serve */
async function seed (url: string): Promise<{ cid: string, runId: string }> {
  const upload = await json<{ cid: string }>(`${url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(256 * 1024) })
  await json(`${url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: 'name: load-invert\ndag:\n  nodes:\n    - {id: input, type: SOURCE, config: {input: true, name: input}}\n    - {id: out, type: EFFECT, config: {effect: invert}, inputs: [input]}\n  output: out\n' })
  const runs = await Promise.all(['identity', 'invert', 'grayscale'].map(async (recipe) =>
    await json<{ id: string, status: string }>(`${url}/runs?wait=120`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipe, inputs: ['cat'] }) })))
  const done = runs.find((r) => r.status === 'completed')
  if (done == null) throw new Error(`no seed run completed: ${runs.map((r) => r.status).join(', ')}`)
  return { cid: upload.cid, runId: done.id }
}

/** Distinct cheap runs (blur of the cat picture, each with its own radius), all at once; resolves when all are final */
async function submitRuns (url: string, n: number): Promise<LoadRaw['submissions']> {
  const started = performance.now()
  const failed: string[] = []
  let completed = 0
  await Promise.all(Array.from({ length: n }, async (_, i) => {
    const body = JSON.stringify({ recipe: 'blur', inputs: ['cat'], params: { radius: 1 + i / 10 } })
    try {
      let run = await json<{ id: string, status: string, error?: string }>(`${url}/runs?wait=300`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      while (!['completed', 'failed', 'cancelled'].includes(run.status)) run = await json(`${url}/runs/${run.id}`)
      if (run.status === 'completed') completed++
      else failed.push(`${run.id}: ${run.status} ${run.error ?? ''}`)
    } catch (err) {
      failed.push(String(err))
    }
  }))
  return { submitted: n, completed, failed, allDoneMs: Math.round(performance.now() - started) }
}

const round = (x: number): number => Math.round(x * 100) / 100

/**
 * Load on a node in its own process: `connections` autocannon clients for `durationS` on the read endpoints
 * (shared out over seven endpoint groups, each its own autocannon instance so each has its own latencies),
 * and `submissions` distinct cheap runs submitted at once while the reads go on, which must all complete.
 */
export async function runLoadBench (init: LoadBenchInit = {}): Promise<{ rows: Row[], raw: LoadRaw }> {
  const connections = init.connections ?? DEFAULTS.connections
  const durationS = init.durationS ?? DEFAULTS.durationS
  const submissions = init.submissions ?? DEFAULTS.submissions
  const cannon = createRequire(import.meta.url)('autocannon') as Cannon
  const dataDir = await mkdtemp(join(tmpdir(), 'artdag-bench-load-'))
  const node = await startNodeProcess(dataDir, { ARTDAG_WORKERS: '2' })
  try {
    const { url } = node
    const { cid, runId } = await seed(url)
    const groups: Record<string, CannonRequest[]> = {
      health: [{ path: '/health' }],
      'runs list': [{ path: '/runs?limit=20' }],
      'run json': [{ path: `/runs/${runId}` }],
      'cache whole': [{ path: `/cache/${cid}` }],
      'cache range': [{ path: `/cache/${cid}`, headers: { range: 'bytes=1000-50999' } }],
      'recipe list': [{ path: '/configs' }],
      'run page (html)': [{ path: `/run/${runId}`, headers: { accept: 'text/html' } }]
    }
    const names = Object.keys(groups)
    const per = (i: number): number => Math.floor(connections / names.length) + (i < connections % names.length ? 1 : 0)
    const [results, submitted] = await Promise.all([
      Promise.all(names.map(async (name, i) => await cannon({ url, connections: per(i), duration: durationS, requests: groups[name] ?? [], timeout: 30 }))),
      submitRuns(url, submissions)
    ])
    if (node.child.exitCode != null) throw new Error(`the node exited under load:\n${node.log()}`)
    const health = await fetch(`${url}/health`)
    if (health.status !== 200) throw new Error(`the node is not healthy after the load: ${health.status}`)
    const raw: LoadRaw = { connections, durationS, groups: {}, submissions: submitted }
    const rows: Row[] = []
    results.forEach((r, i) => {
      const name = names[i] as string
      const statuses = Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, s]) => [code, s.count]))
      const g: GroupResult = { rps: round(r.requests.average), total: r.requests.total, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, errors: r.errors + r.timeouts, non2xx: r.non2xx, statuses }
      raw.groups[name] = g
      rows.push({ name: `${name}, ${per(i)} clients`, value: g.rps, unit: 'req/s', note: `p50/p90/p99/max ${g.p50}/${g.p90}/${g.p99}/${g.max} ms` })
    })
    const errors = Object.values(raw.groups).reduce((a, g) => a + g.errors, 0)
    const non2xx = Object.values(raw.groups).reduce((a, g) => a + g.non2xx, 0)
    rows.push({ name: `errors and non-2xx over ${Object.values(raw.groups).reduce((a, g) => a + g.total, 0)} reads`, value: errors + non2xx, unit: 'failed', goal: '0', met: errors + non2xx === 0, note: `${errors} errors, ${non2xx} non-2xx` })
    rows.push({ name: `${submissions} distinct runs submitted at once under the read load, completed`, value: submitted.completed, unit: `of ${submissions}`, goal: `${submissions}`, met: submitted.completed === submissions, note: `all final after ${(submitted.allDoneMs / 1000).toFixed(1)} s` })
    return { rows, raw }
  } finally {
    await node.stop()
    await rm(dataDir, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runLoadBench().then(async (result) => {
    await mkdir('bench-results', { recursive: true })
    await writeFile(join('bench-results', 'load.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n')
    process.stdout.write(JSON.stringify(result, null, 2) + '\n')
  }).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`)
    process.exitCode = 1
  })
}

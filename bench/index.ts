import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { cpus, loadavg, totalmem, release } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'

/** One measured goal, as shown in the README table */
export interface GoalRow {
  name: string
  value: number
  unit: string
  goal?: string
  met?: boolean
  note?: string
}

export interface BenchResult {
  rows: GoalRow[]
  raw: Record<string, unknown>
  /** when it was measured (set by the runner) */
  date?: string
  /** the machine's 1/5/15-minute load averages when the benchmark started and ended (set by the runner) */
  loadavg?: { before: number[], after: number[] }
}

type Bench = () => Promise<BenchResult>

/** benchmark name -> module in bench/ exporting the named function */
const BENCHES: Record<string, string> = {
  store: 'runStoreBench',
  exec: 'runExecBench',
  api: 'runApiBench',
  mesh: 'runMeshBench',
  'catch-up': 'runCatchUpBench',
  'mesh-scale': 'runMeshScaleBench',
  load: 'runLoadBench',
  reads: 'runReadsBench'
}

async function load (name: string): Promise<Bench> {
  const fn = BENCHES[name]
  if (fn == null) throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(BENCHES).join(', ')}`)
  const mod = await import(`./${name}.js`) as Record<string, unknown>
  const bench = mod[fn]
  if (typeof bench !== 'function') throw new Error(`bench/${name} does not export ${fn}()`)
  return bench as Bench
}

function machine (): Record<string, unknown> {
  let ffmpeg = 'unknown'
  try { ffmpeg = execFileSync('ffmpeg', ['-version']).toString().split('\n')[0] ?? ffmpeg } catch {}
  return { cpus: cpus().length, cpu: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), kernel: release(), node: process.version, ffmpeg }
}

/**
 * Each benchmark starts on a quiet disk: the dirty pages an earlier one left (the store bench writes
 * gigabytes) are written back first, not while the next one measures
 */
function settle (): void {
  try { execFileSync('sync') } catch {}
}

/**
 * The results of benchmarks this run did not repeat, from the previous all.json, each with its own date:
 * a subset run (`npm run bench -- exec`) replaces its own results and keeps the others
 */
async function earlierResults (file: string): Promise<Record<string, BenchResult>> {
  try {
    const previous = JSON.parse(await readFile(file, 'utf8')) as { date?: string, results?: Record<string, BenchResult> }
    return Object.fromEntries(Object.entries(previous.results ?? {}).map(([name, r]) => [name, { ...r, date: r.date ?? previous.date }]))
  } catch {
    return {}
  }
}

function table (results: Record<string, BenchResult>): string {
  const lines = ['| benchmark | measured | goal | met |', '|---|---|---|---|']
  for (const [bench, result] of Object.entries(results)) {
    for (const row of result.rows) {
      const value = `${Number.isInteger(row.value) ? row.value : row.value.toFixed(2)} ${row.unit}${row.note != null ? ` (${row.note})` : ''}`
      lines.push(`| ${bench}: ${row.name} | ${value} | ${row.goal ?? '-'} | ${row.met == null ? '-' : row.met ? 'yes' : 'no'} |`)
    }
  }
  return lines.join('\n') + '\n'
}

async function main (): Promise<void> {
  const wanted = process.argv.slice(2)
  const names = wanted.length > 0 ? wanted : Object.keys(BENCHES)
  const results: Record<string, BenchResult> = {}
  const errors: Record<string, string> = {}
  for (const name of names) {
    settle()
    process.stderr.write(`bench: ${name}...\n`)
    // what else the machine was doing: on a shared VM it moves every number
    const loadBefore = loadavg()
    try {
      results[name] = { ...await (await load(name))(), date: new Date().toISOString(), loadavg: { before: loadBefore, after: loadavg() } }
    } catch (err) {
      errors[name] = err instanceof Error ? err.stack ?? err.message : String(err)
      process.stderr.write(`bench: ${name} failed: ${errors[name]}\n`)
    }
  }
  const file = join('bench-results', 'all.json')
  const kept = Object.fromEntries(Object.entries(await earlierResults(file)).filter(([name]) => !(name in results)))
  const out = { date: new Date().toISOString(), machine: machine(), ran: names, results: { ...kept, ...results }, errors }
  await mkdir('bench-results', { recursive: true })
  await writeFile(file, JSON.stringify(out, null, 2) + '\n')
  // the table shows this run's rows; all.json keeps the rest with their dates
  const md = table(results)
  await writeFile(join('bench-results', 'table.md'), md)
  process.stdout.write(md)
  if (Object.keys(errors).length > 0) process.exitCode = 1
}

main().catch((err: unknown) => { process.stderr.write(`${String(err)}\n`); process.exitCode = 1 })

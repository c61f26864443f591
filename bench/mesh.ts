/**
 * Mesh bench: 256 MiB node to node by bitswap, by the bulk paths (HTTP CAR and libp2p CAR, verified and
 * stored; medians of >= 3 repetitions on fresh content after a warm-up one, side by side with raw TCP) and by raw TCP on loopback (same run; A is its own process and serves HTTP, libp2p and raw
 * TCP alike, B is the bench process), gossip visibility latency (p50 over >= 20 announcements) and IPNS
 * catch-up time of a peer that was away. `node dist/bench/mesh.js` writes bench-results/mesh.json.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { unixfs } from '@helia/unixfs'
import { CID } from 'multiformats/cid'
import { asCacheId, asCid, sha3Hex, type Cid } from '../src/dag/ids.js'
import { createMeshNode, SwarmKey, type MeshNode } from '../src/mesh/index.js'
import { createCacheIndex, createRedisConnection, createRedisKeys, startManagedRedis } from '../src/state/index.js'
import { fetchCarHttp, pullCar, pullCarHttp } from '../src/store/car/index.js'
import { createContentStore } from '../src/store/index.js'
import { createStateSync, type StateSync } from '../src/sync/index.js'
import { silentLogger } from '../src/util/logger.js'
import type { BenchResult } from './index.js'

export interface MeshBenchInit {
  /** @default 256 MiB */
  bytes?: number
  /** @default 25 */
  announcements?: number
  /** sync interval of both nodes @default 2000 */
  intervalMs?: number
  /** cap of the bitswap fetch @default 300_000 */
  bitswapTimeoutMs?: number
  /** blockstore/datastore of both nodes @default 'fs' (the node's default) */
  storeBackend?: 'fs' | 'level'
  /** repetitions of the raw TCP and CAR rows (medians reported; fresh random content each) @default 3 */
  repetitions?: number
}

const MiB = 1024 * 1024
const DEV_PEER = fileURLToPath(new URL('../test/sync/dev-peer.js', import.meta.url))

interface Peer { peerId: string, addrs: string[], url: string, child: ChildProcess, call: <T>(op: string, args?: Record<string, unknown>) => Promise<T> }

async function startPeer (config: Record<string, unknown>): Promise<Peer> {
  const child = spawn(process.execPath, [DEV_PEER], { env: { ...process.env, ARTDAG_DEV_PEER: JSON.stringify(config) }, stdio: ['pipe', 'pipe', 'inherit'] })
  const waiting = new Map<number, (msg: { ok: boolean, result?: unknown, error?: { message: string } }) => void>()
  let id = 0
  const ready = await new Promise<{ peerId: string, addrs: string[], url: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`dev-peer exited with ${String(code)}`)))
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const msg = JSON.parse(line) as { event?: string, id?: number, ok: boolean, peerId: string, addrs: string[], url: string }
      if (msg.event === 'ready') resolve(msg)
      else waiting.get(msg.id as number)?.(msg)
    })
  })
  return {
    ...ready,
    child,
    call: async <T>(op: string, args: Record<string, unknown> = {}) => await new Promise<T>((resolve, reject) => {
      const n = ++id
      waiting.set(n, (msg) => { waiting.delete(n); if (msg.ok) resolve(msg.result as T); else reject(new Error(msg.error?.message)) })
      child.stdin?.write(JSON.stringify({ id: n, op, ...args }) + '\n')
    })
  }
}

/** raw TCP from A's process (the same layout as the HTTP path): bytes counted, nothing else done */
async function rawTcp (a: Peer, bytes: number): Promise<number> {
  const port = await a.call<number>('rawTcp', { bytes })
  const t0 = performance.now()
  let got = 0
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1')
    sock.on('data', (d: Buffer) => { got += d.byteLength })
    sock.on('end', () => resolve())
    sock.on('error', reject)
  })
  if (got !== bytes) throw new Error(`raw TCP got ${got} of ${bytes} bytes`)
  return performance.now() - t0
}

/** the HTTP CAR response alone (no parsing, hashing or writes): what the transport gives */
async function httpCarTransfer (url: string, cid: CID): Promise<{ ms: number, bytes: number }> {
  const t0 = performance.now()
  let got = 0
  for await (const chunk of fetchCarHttp(url, cid)) got += chunk.byteLength
  return { ms: performance.now() - t0, bytes: got }
}

const median = (xs: number[]): number => pct(xs, 0.5)
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN
const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000)
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** MemFree (not MemAvailable: page cache counts as available but must be reclaimed first), or -1 off Linux */
async function memFreeMiB (): Promise<number> {
  const meminfo = await readFile('/proc/meminfo', 'utf8').catch(() => '')
  const kib = /^MemFree:\s+(\d+) kB/m.exec(meminfo)?.[1]
  return kib == null ? -1 : Math.round(Number(kib) / 1024)
}

async function until<T> (fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(2)
  }
}

export async function runMeshBench (init: MeshBenchInit = {}): Promise<BenchResult> {
  const bytes = init.bytes ?? 256 * MiB
  const announcements = init.announcements ?? 25
  const intervalMs = init.intervalMs ?? 2000
  const storeBackend = init.storeBackend ?? 'fs'
  const repetitions = Math.max(1, init.repetitions ?? 5)
  // new page-cache pages are the receiver's largest cost, and on these VMs a page the guest has not used
  // lately costs far more than a recycled one: the result depends on what ran before, so it is reported with it
  const freeAtStartMiB = await memFreeMiB()
  const root = await mkdtemp(join(tmpdir(), 'artdag-bench-mesh-'))
  const managed = await startManagedRedis({ dataDir: join(root, 'redis') })
  const redis = await createRedisConnection(managed.url, 5)
  const keys = createRedisKeys(`benchmesh${Date.now()}:`)
  let a: Peer | undefined
  let b: MeshNode | undefined
  let sync: StateSync | undefined
  try {
    // both in one private network, as the nodes of a cluster are
    const swarmKey = SwarmKey.generate()
    a = await startPeer({ dataDir: join(root, 'a'), redisUrl: managed.url, prefix: `${keys.prefix}a:`, intervalMs, storeBackend, logLevel: 'error', swarmKey: swarmKey.fileText() })
    b = await createMeshNode({ dataDir: join(root, 'b'), logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], storeBackend, swarmKey })
    const store = createContentStore({ helia: b.helia, logger: silentLogger() })
    const index = createCacheIndex({ redis, keys })
    const makeSync = (): StateSync => createStateSync({ helia: (b as MeshNode).helia, store, localIndex: index, redis, keys, logger: silentLogger() }, { intervalMs, clusterKey: swarmKey.syncNamespace() })
    sync = makeSync()
    await sync.start()
    await b.dial(a.addrs[0] as string)

    // throughput, side by side: each repetition measures raw TCP, the HTTP CAR bytes alone, the HTTP CAR
    // pull and the libp2p CAR pull, each pull on fresh random content so nothing is already local on B
    const tcpMs: number[] = []
    const transferMs: number[] = []
    const httpMs: number[] = []
    const carMs: number[] = []
    let httpBlocks = 0
    let carBlocks = 0
    let httpCarBytes = 0
    // a warm-up repetition first (reported apart), and each repetition deletes what it added and pulled:
    // the next one writes into the page cache it freed, as on a node that has been running a while. A
    // freshly booted VM pays far more for pages it has never used (the warm-up shows how much).
    let warmUpHttpMs = NaN
    for (let r = -1; r < repetitions; r++) {
      const tcp = await rawTcp(a, bytes)
      const transfer = await httpCarTransfer(a.url, CID.parse(await a.call<string>('addRandom', { bytes })))
      httpCarBytes = transfer.bytes
      const cidHttp = CID.parse(await a.call<string>('addRandom', { bytes }))
      let t0 = performance.now()
      httpBlocks = (await pullCarHttp(b.helia, a.url, cidHttp, { timeoutMs: 30_000 })).blocks
      const http = performance.now() - t0
      const cidCar = CID.parse(await a.call<string>('addRandom', { bytes }))
      t0 = performance.now()
      carBlocks = (await pullCar(b.helia, a.peerId, cidCar, { timeoutMs: 30_000 })).blocks
      const car = performance.now() - t0
      await Promise.all([store.gc(), a.call('gc')])
      if (r < 0) {
        warmUpHttpMs = http
        continue
      }
      tcpMs.push(tcp)
      transferMs.push(transfer.ms)
      httpMs.push(http)
      carMs.push(car)
    }
    const cidBitswap = CID.parse(await a.call<string>('addRandom', { bytes }))
    const gossipCid = cidBitswap
    // bitswap last: it is the slow path, and it sometimes never delivers (stack.md section 2), so it is capped
    const t0 = performance.now()
    let got = 0
    let bitswapError: string | undefined
    try {
      for await (const chunk of unixfs(b.helia).cat(cidBitswap, { signal: AbortSignal.timeout(init.bitswapTimeoutMs ?? 300_000) })) got += chunk.byteLength
    } catch (err) {
      bitswapError = `${(err as Error).name}: ${(err as Error).message} after ${got} bytes`
    }
    const bitswapMs = performance.now() - t0

    // gossip: announce on A, poll B's remote index
    await until(async () => (await (a as Peer).call<{ recipients: number }>('announce', { cacheId: sha3Hex('warm'), cid: gossipCid.toString() })).recipients > 0 ? true : undefined, 10_000, 'gossip mesh')
    const gossipMs: number[] = []
    for (let i = 0; i < announcements; i++) {
      const cacheId = asCacheId(sha3Hex(`bench-gossip-${Date.now()}-${i}`))
      const start = performance.now()
      await a.call('announce', { cacheId, cid: gossipCid.toString() })
      await until(async () => await (sync as StateSync).lookup(cacheId), 5000, 'gossiped hint')
      gossipMs.push(performance.now() - start)
    }

    // IPNS catch-up: B goes away, A records 20 results and publishes alone, B comes back
    await sync.stop()
    await b.libp2p.hangUp(b.libp2p.getPeers()[0] as never)
    await sleep(200)
    const missed: Array<[string, Cid]> = []
    for (let i = 0; i < 20; i++) missed.push([sha3Hex(`bench-missed-${Date.now()}-${i}`), asCid(cidBitswap.toString())])
    for (const [cacheId, cid] of missed) await a.call('setLocal', { cacheId, cid })
    const lonely = await a.call<{ reached: boolean }>('publish')
    sync = makeSync()
    await sync.start()
    const catchStart = performance.now()
    await b.dial(a.addrs[0] as string)
    const last = asCacheId((missed.at(-1) as [string, Cid])[0])
    await until(async () => await (sync as StateSync).lookup(last), intervalMs + 10_000, 'IPNS catch-up')
    const catchUpMs = performance.now() - catchStart

    const raw = {
      storeBackend,
      loadavg: loadavg(),
      freeAtStartMiB,
      warmUpHttpMs,
      bytes, repetitions, bitswapMs, bitswapBytes: got, bitswapError, carMs, httpMs, httpBlocks, httpTransferMs: transferMs, httpCarBytes, tcpMs, carBlocks, gossipMs, catchUpMs, intervalMs, lonelyPublishReached: lonely.reached,
      note: 'A is a separate process (dist/test/sync/dev-peer.js) serving HTTP CAR, libp2p CAR (TCP+noise+yamux), bitswap and raw TCP; B is the bench process; fs blockstores'
    }
    const httpMbps = mbps(bytes, median(httpMs))
    const tcpMbps = mbps(bytes, median(tcpMs))
    return {
      rows: [
        { name: `bitswap fetch ${bytes / MiB} MiB`, value: mbps(got, bitswapMs), unit: 'MB/s', ...(bitswapError != null ? { note: `failed: ${bitswapError}` } : {}) },
        { name: `HTTP CAR pull ${bytes / MiB} MiB (verified, stored; median of ${repetitions})`, value: httpMbps, unit: 'MB/s', goal: '>= 300 MB/s', met: httpMbps >= 300, note: `runs ${httpMs.map((ms) => mbps(bytes, ms).toFixed(0)).join(', ')} MB/s; warm-up ${mbps(bytes, warmUpHttpMs).toFixed(0)} MB/s; ${(freeAtStartMiB / 1024).toFixed(1)} GiB of memory free at the start` },
        { name: `HTTP CAR transfer ${bytes / MiB} MiB (bytes only; median of ${repetitions})`, value: mbps(bytes, median(transferMs)), unit: 'MB/s' },
        { name: `libp2p CAR pull ${bytes / MiB} MiB (verified, stored; median of ${repetitions})`, value: mbps(bytes, median(carMs)), unit: 'MB/s' },
        { name: `raw TCP ${bytes / MiB} MiB (from A's process; median of ${repetitions})`, value: tcpMbps, unit: 'MB/s', note: `runs ${tcpMs.map((ms) => mbps(bytes, ms).toFixed(0)).join(', ')} MB/s` },
        { name: 'HTTP CAR pull / raw TCP (medians)', value: httpMbps / tcpMbps, unit: 'ratio', note: 'both processes share the machine\'s cores: the pull hashes and writes every byte, raw TCP only counts them' },
        { name: 'gossip visibility p50', value: pct(gossipMs, 0.5), unit: 'ms', goal: '<= 1000 ms', met: pct(gossipMs, 0.5) <= 1000, note: `p95 ${pct(gossipMs, 0.95).toFixed(1)} ms, n=${gossipMs.length}` },
        { name: 'IPNS catch-up after reconnect', value: catchUpMs, unit: 'ms', goal: `<= ${intervalMs + 5000} ms`, met: catchUpMs <= intervalMs + 5000 }
      ],
      raw
    }
  } finally {
    await sync?.stop().catch(() => {})
    if (a != null) {
      a.child.stdin?.end()
      await Promise.race([new Promise((resolve) => a?.child.once('exit', resolve)), sleep(5000)])
      a.child.kill('SIGKILL')
    }
    await b?.stop().catch(() => {})
    await redis.quit()
    await managed.stop()
    await rm(root, { recursive: true, force: true })
  }
}

if (process.argv[1] != null && fileURLToPath(import.meta.url) === process.argv[1]) {
  const mib = Number(process.env.MESH_BENCH_MIB ?? 256)
  const storeBackend = process.env.MESH_BENCH_STORE === 'level' ? 'level' : 'fs'
  const repetitions = Number(process.env.MESH_BENCH_REPS ?? 5)
  runMeshBench({ bytes: mib * MiB, storeBackend, repetitions }).then(async (result) => {
    await mkdir('bench-results', { recursive: true })
    await writeFile(join('bench-results', 'mesh.json'), JSON.stringify({ date: new Date().toISOString(), ...result }, null, 2) + '\n')
    process.stdout.write(JSON.stringify(result.rows, null, 2) + '\n')
  }).catch((err: Error) => { process.stderr.write(`${err.stack ?? err.message}\n`); process.exitCode = 1 })
}

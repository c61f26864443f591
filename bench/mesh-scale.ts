/**
 * The mesh at scale, simulated: the sync logic of 100 and 1,000 nodes in one process over an in-memory
 * transport (function calls that count every message and its bytes; latency from a LAN model of 1 ms
 * per round trip and 1 Gbit/s, plus the CPU time measured here). What runs is the project's own code
 * where it decides sizes and costs: manifests, batches and snapshot trees are built, encoded (DAG-JSON)
 * and parsed by src/sync; announcements are encoded by src/sync. Modelled: gossipsub's mesh (D = 6,
 * no flood publish, content ids), the LAN DHT (Kademlia k = 20, alpha = 3) and the hint index's LRU
 * policy (in memory; Redis runs the same rule). Workload: steps at 1,000 per node per day, 20% of them
 * a result another node computed, 1% of the nodes leaving each simulated minute and coming back later.
 * `npm run bench -- mesh-scale` also writes bench-results/mesh-scale.json.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import * as dagJson from '@ipld/dag-json'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { encodeAnnouncement, parseBatch, parseManifest, snapshotGet, snapshotInsert, MANIFEST_TYPE, MANIFEST_VERSION, type SnapshotBlocks } from '../src/sync/index.js'
import { DEFAULT_COMPACT_AFTER_BATCHES, DEFAULT_HINT_MAX_BYTES, DEFAULT_HINT_MAX_ENTRIES, DEFAULT_SYNC_INTERVAL_MS } from '../src/sync/constants.js'
import { sha3Hex, type CacheId, type Cid } from '../src/dag/ids.js'
import { GossipMesh } from './mesh-scale/gossip.js'
import { Kademlia, kadId } from './mesh-scale/kademlia.js'
import { HintLru } from './mesh-scale/lru.js'
import type { BenchResult, GoalRow } from './index.js'

const STEPS_PER_NODE_PER_DAY = 1_000
const OVERLAP = 0.2
const CLUSTER_RESULTS = 1_000_000
/** steps simulated message by message per cluster size (the per-step costs do not depend on the window) */
const WINDOW_STEPS = 600
const RTT_MS = 1
const BYTES_PER_MS = 125_000
/** peers a joining node connects to first (its bootstrap list and their mesh) */
const JOIN_PEERS = 8
const QUERIES = 100
const FETCH_FRAME = 60
const OUT = 'bafkreiawjty4va4rkmxe6i44kvwaygkytluio7fsl3h26czrbrwdoe52d4' as Cid

function prng (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** content-addressed DAG-JSON blocks in memory, as the content store writes them */
function memoryBlocks (): SnapshotBlocks & { bytes: (cid: CID) => number } {
  const blocks = new Map<string, Uint8Array>()
  return {
    async put (node) {
      const bytes = dagJson.encode(node)
      const cid = CID.createV1(dagJson.code, await sha256.digest(bytes))
      blocks.set(cid.toString(), bytes)
      return cid
    },
    async get (cid) { return dagJson.decode(blocks.get(cid.toString()) as Uint8Array) },
    bytes: (cid) => blocks.get(cid.toString())?.byteLength ?? 0
  }
}

interface Traffic { messages: number, bytes: number }
const add = (t: Traffic, messages: number, bytes: number): void => { t.messages += messages; t.bytes += bytes }

interface ScaleResult {
  nodes: number
  steps: number
  perStepPerNode: { messages: number, bytes: number }
  breakdown: Record<string, Traffic>
  hintsAfterDay: { entries: number, bytes: number, unbounded: number }
  dhtRecordsPerNodePerDay: number
  join: { fetches: number, fetchBytes: number, ms: number, cpuMs: number, correct: number, queries: number, answerMsMax: number, answerMsMedian: number, dhtRounds: number, previousDesignFetches: number }
}

async function simulate (n: number, seed: number): Promise<ScaleResult> {
  const rand = prng(seed)
  const names = Array.from({ length: n }, (_, i) => `12D3KooWsim${String(i).padStart(6, '0')}`)
  const dht = new Kademlia(names.map(kadId), rand)
  const mesh = new GossipMesh(n, rand)
  const hints = names.map(() => new HintLru(DEFAULT_HINT_MAX_ENTRIES, DEFAULT_HINT_MAX_BYTES))
  const offlineUntil = new Array<number>(n).fill(0)
  const online = (i: number): boolean => (offlineUntil[i] as number) <= now
  /** what each node holds and the batches it published since its peers last resolved it */
  const holders = new Map<string, number>()
  const held: string[] = []
  const newBatches = new Array<number>(n).fill(0)
  const tailLength = new Array<number>(n).fill(0)
  const breakdown: Record<string, Traffic> = { gossip: { messages: 0, bytes: 0 }, resolve: { messages: 0, bytes: 0 }, dhtProvide: { messages: 0, bytes: 0 }, whoHas: { messages: 0, bytes: 0 } }
  const manifestBytes = 420
  const batchBytes = (entries: number): number => 40 + entries * 140
  const windowMs = WINDOW_STEPS / (n * STEPS_PER_NODE_PER_DAY) * 86_400_000
  let now = 0
  let steps = 0
  let nextHeartbeat = 1000
  let nextResolve = DEFAULT_SYNC_INTERVAL_MS
  let nextChurn = 60_000
  const stepGap = windowMs / WINDOW_STEPS
  for (let s = 0; s < WINDOW_STEPS; s++) {
    now += stepGap
    while (nextHeartbeat <= now) { mesh.heartbeat(online); nextHeartbeat += 1000 }
    while (nextChurn <= now) {
      for (let i = 0; i < n; i++) if (online(i) && rand() < 0.01) offlineUntil[i] = now + 10 * 60_000 + rand() * 50 * 60_000
      nextChurn += 60_000
    }
    while (nextResolve <= now) {
      // every node resolves its connected peers each interval: the record, and the manifest and new tail batches when they changed
      for (let i = 0; i < n; i++) {
        if (!online(i)) continue
        for (const p of mesh.peers[i] as number[]) {
          if (!online(p)) continue
          add(breakdown.resolve as Traffic, 2, 2 * FETCH_FRAME + 300)
          const fresh = Math.min(newBatches[p] as number, tailLength[p] as number)
          if ((newBatches[p] as number) > 0) add(breakdown.resolve as Traffic, 2 + 2 * fresh, manifestBytes + fresh * batchBytes(1) + (2 + 2 * fresh) * FETCH_FRAME)
        }
      }
      newBatches.fill(0)
      nextResolve += DEFAULT_SYNC_INTERVAL_MS
    }
    let node = Math.floor(rand() * n)
    while (!online(node)) node = (node + 1) % n
    steps++
    if (held.length > 0 && rand() < OVERLAP) {
      // a step another node computed: the hint, else ask the connected peers, else the DHT's providers
      const cacheId = held[Math.floor(rand() * held.length)] as string
      if ((hints[node] as HintLru).get(cacheId)) continue
      const asked = (mesh.peers[node] as number[]).filter(online)
      add(breakdown.whoHas as Traffic, 2 * asked.length, asked.length * (2 * FETCH_FRAME + 140))
      if (asked.includes(holders.get(cacheId) as number)) continue
      const found = dht.lookup(node, kadId(cacheId), online, true)
      add(breakdown.whoHas as Traffic, 2 * found.queries + 2, (2 * found.queries + 2) * (FETCH_FRAME + 200))
      continue
    }
    // a new result: announced by gossip, listed in the next batch, provided on the DHT
    const cacheId = sha3Hex(`${seed}-${s}`) as CacheId
    holders.set(cacheId, node)
    held.push(cacheId)
    const data = encodeAnnouncement({ cacheId, cid: OUT, peer: names[node] as string, seq: s + 1, url: 'http://10.0.0.1:8100' })
    const before = { messages: mesh.messages, bytes: mesh.bytes }
    const got = mesh.publish(node, data.byteLength, online)
    add(breakdown.gossip as Traffic, mesh.messages - before.messages, mesh.bytes - before.bytes)
    for (const r of got) if (r !== node) (hints[r] as HintLru).set(cacheId, 140)
    newBatches[node] = (newBatches[node] as number) + 1
    tailLength[node] = (tailLength[node] as number) + 1 > DEFAULT_COMPACT_AFTER_BATCHES ? 0 : (tailLength[node] as number) + 1
    const provided = dht.provide(node, kadId(cacheId), online)
    add(breakdown.dhtProvide as Traffic, provided.messages, provided.messages * (FETCH_FRAME + 200))
  }
  // the heartbeats' IHAVE gossip is gossip traffic too
  add(breakdown.gossip as Traffic, mesh.messages - (breakdown.gossip as Traffic).messages, mesh.bytes - (breakdown.gossip as Traffic).bytes)
  const total = Object.values(breakdown).reduce((t, b) => ({ messages: t.messages + b.messages, bytes: t.bytes + b.bytes }), { messages: 0, bytes: 0 })
  const recordsPerNode = names.reduce((sum, _, i) => sum + dht.recordsHeld(i), 0) / n

  // a simulated day as one node sees it: every new result of the cluster announced to it
  const day = new HintLru(DEFAULT_HINT_MAX_ENTRIES, DEFAULT_HINT_MAX_BYTES)
  const dayResults = Math.round(n * STEPS_PER_NODE_PER_DAY * (1 - OVERLAP))
  const hintValue = JSON.stringify({ cid: OUT, peer: names[0], seq: 12345 }).length
  for (let r = 0; r < dayResults; r++) day.set(sha3Hex(`day-${r}`), hintValue)

  return { nodes: n, steps, perStepPerNode: { messages: total.messages / steps / n, bytes: total.bytes / steps / n }, breakdown, hintsAfterDay: { entries: day.size, bytes: day.bytes, unbounded: dayResults }, dhtRecordsPerNodePerDay: recordsPerNode / WINDOW_STEPS * n * STEPS_PER_NODE_PER_DAY * (1 - OVERLAP), join: await joinCluster(n, seed, dht) }
}

/**
 * A node joins a cluster holding CLUSTER_RESULTS results (each node's share in a real snapshot plus a
 * tail), resolves the peers it connects to, then answers "does the cluster have X?" for results that
 * exist and results that do not.
 */
async function joinCluster (n: number, seed: number, dht: Kademlia): Promise<ScaleResult['join']> {
  const rand = prng(seed + 1)
  const blocks = memoryBlocks()
  const perNode = CLUSTER_RESULTS / n
  const manifests: CID[] = []
  const snapshots: Array<CID | null> = []
  const clusterKeyHash = sha3Hex('bench-cluster')
  for (let i = 0; i < n; i++) {
    const entries = Array.from({ length: perNode }, (_, r) => [sha3Hex(`r-${i}-${r}`) as CacheId, OUT] as const)
    const { root } = await snapshotInsert(blocks, null, entries)
    snapshots.push(root)
    const tail: CID[] = []
    const tailLength = Math.floor(rand() * DEFAULT_COMPACT_AFTER_BATCHES)
    for (let b = 0; b < tailLength; b++) tail.push(await blocks.put({ seq: perNode + b + 1, entries: [[sha3Hex(`t-${i}-${b}`), OUT]] } as never))
    manifests.push(await blocks.put({
      type: MANIFEST_TYPE, version: MANIFEST_VERSION, peer: `12D3KooWsim${i}`, clusterKeyHash, seq: perNode + tailLength, snapshot: root, snapshotSeq: perNode, tail, count: perNode + tailLength, updatedAt: new Date(0).toISOString()
    } as never))
  }
  const joined = Array.from({ length: JOIN_PEERS }, () => Math.floor(rand() * n))
  const cpuStart = performance.now()
  let fetches = 0
  let fetchBytes = 0
  let slowestMs = 0
  for (const p of joined) {
    // per peer: its record (fetch), its manifest, then its tail batches all at once
    const manifest = parseManifest(await blocks.get(manifests[p] as CID), 'bench')
    const tails = await Promise.all(manifest.tail.map(async (cid) => parseBatch(await blocks.get(cid), 'bench')))
    const bytes = 300 + blocks.bytes(manifests[p] as CID) + manifest.tail.reduce((s, c) => s + blocks.bytes(c), 0)
    fetches += 2 + tails.length
    fetchBytes += bytes
    slowestMs = Math.max(slowestMs, (tails.length > 0 ? 3 : 2) * RTT_MS + bytes / BYTES_PER_MS)
  }
  const cpuMs = performance.now() - cpuStart
  const online = (): boolean => true
  const joiner = 0
  const answers: number[] = []
  let correct = 0
  let dhtRounds = 0
  for (let q = 0; q < QUERIES * 2; q++) {
    const exists = q < QUERIES
    const holder = Math.floor(rand() * n)
    const cacheId = exists ? sha3Hex(`r-${holder}-${Math.floor(rand() * perNode)}`) as CacheId : sha3Hex(`absent-${q}`) as CacheId
    const key = kadId(`${seed}-${cacheId}`)
    if (exists) dht.provide(holder, key, online)
    const started = performance.now()
    let ms = RTT_MS // every connected peer asked at once: one round trip
    let answer = false
    for (const p of new Set(joined)) if (await snapshotGet(blocks, snapshots[p] ?? null, cacheId) != null) answer = true
    if (!answer) {
      const found = dht.lookup(joiner, key, online, true)
      dhtRounds = Math.max(dhtRounds, found.rounds)
      ms += found.rounds * RTT_MS
      if (found.provider != null) {
        ms += 2 * RTT_MS // dial the provider, ask it
        answer = await snapshotGet(blocks, snapshots[found.provider] ?? null, cacheId) != null
      }
    }
    answers.push(ms + performance.now() - started)
    if (answer === exists) correct++
  }
  answers.sort((a, b) => a - b)
  return {
    fetches,
    fetchBytes,
    ms: slowestMs + cpuMs,
    cpuMs,
    correct: correct / answers.length,
    queries: answers.length,
    answerMsMax: answers[answers.length - 1] as number,
    answerMsMedian: answers[Math.floor(answers.length / 2)] as number,
    dhtRounds,
    // the chain of batches before compaction: one fetch per batch of every peer resolved
    previousDesignFetches: JOIN_PEERS * (perNode + DEFAULT_COMPACT_AFTER_BATCHES / 2)
  }
}

export async function runMeshScaleBench (): Promise<BenchResult> {
  const results: ScaleResult[] = []
  for (const n of [100, 1000]) {
    const started = performance.now()
    results.push(await simulate(n, n))
    process.stderr.write(`mesh-scale: ${n} nodes simulated in ${Math.round(performance.now() - started)} ms\n`)
  }
  const [small, large] = results as [ScaleResult, ScaleResult]
  const growth = (f: (r: ScaleResult) => number): number => f(large) / f(small)
  const rows: GoalRow[] = []
  for (const r of results) {
    rows.push(
      { name: `${r.nodes} nodes: messages per completed step per node`, value: r.perStepPerNode.messages, unit: 'msgs' },
      { name: `${r.nodes} nodes: bytes per completed step per node`, value: r.perStepPerNode.bytes, unit: 'B' },
      { name: `${r.nodes} nodes: hints per node after a day`, value: r.hintsAfterDay.entries, unit: 'entries', goal: `<= ${DEFAULT_HINT_MAX_ENTRIES} (config)`, met: r.hintsAfterDay.entries <= DEFAULT_HINT_MAX_ENTRIES && r.hintsAfterDay.bytes <= DEFAULT_HINT_MAX_BYTES, note: `${(r.hintsAfterDay.bytes / 2 ** 20).toFixed(1)} MiB; ${r.hintsAfterDay.unbounded} unbounded` },
      { name: `${r.nodes} nodes: join a 1M-result cluster, fetches`, value: r.join.fetches, unit: 'fetches', note: `${JOIN_PEERS} peers; chain of batches: ${r.join.previousDesignFetches}` },
      { name: `${r.nodes} nodes: join a 1M-result cluster, catch-up time`, value: r.join.ms, unit: 'ms' },
      { name: `${r.nodes} nodes: joining node answers "does the cluster have X?"`, value: r.join.answerMsMax, unit: 'ms max', goal: '< 10000 ms, all correct', met: r.join.answerMsMax < 10_000 && r.join.correct === 1, note: `${Math.round(r.join.correct * 100)}% of ${r.join.queries} correct; DHT rounds <= ${r.join.dhtRounds}` }
    )
  }
  const msgGrowth = growth((r) => r.perStepPerNode.messages)
  rows.push(
    { name: '100 -> 1,000 nodes: growth of messages per step per node', value: msgGrowth, unit: 'x', goal: `<= log2(1000)/log2(100) = ${(Math.log2(1000) / Math.log2(100)).toFixed(2)}x (O(log n))`, met: msgGrowth <= Math.log2(1000) / Math.log2(100) },
    { name: '100 -> 1,000 nodes: growth of bytes per step per node', value: growth((r) => r.perStepPerNode.bytes), unit: 'x' },
    { name: '100 -> 1,000 nodes: growth of hints per node', value: growth((r) => r.hintsAfterDay.entries), unit: 'x', note: 'bounded by config' },
    { name: '100 -> 1,000 nodes: growth of join fetches', value: growth((r) => r.join.fetches), unit: 'x' }
  )
  const raw = { transport: 'in-memory (function calls counting messages and bytes), 1 ms RTT, 1 Gbit/s', windowSteps: WINDOW_STEPS, overlap: OVERLAP, churn: '1% of nodes leave each simulated minute for 10-60 min', results }
  await mkdir('bench-results', { recursive: true })
  await writeFile('bench-results/mesh-scale.json', JSON.stringify({ date: new Date().toISOString(), rows, raw }, null, 2) + '\n')
  return { rows, raw }
}

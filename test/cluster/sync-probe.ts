import * as dagJson from '@ipld/dag-json'
import { expect } from 'vitest'
import { createRedisKeys, type RedisKeys } from '../../src/state/index.js'
import type { CacheId, Cid } from '../../src/dag/ids.js'
import type { RunRecord } from '../../src/state/types.js'
import type { NodeProcess } from './node-process.js'
import type { Redis } from 'ioredis'

/** what node processes on the suite's Redis (each under its own prefix) hold in their sync state */
export class SyncProbe {
  constructor (private readonly redis: Redis) {}

  keys (prefix: string): RedisKeys {
    return createRedisKeys(prefix)
  }

  /** a field of the node's sync hash (`own`, `worker:<id>`, `peer:<id>`), parsed */
  async syncField<T = { seq: number, count: number, manifest?: Cid }> (prefix: string, field: string): Promise<T | undefined> {
    const text = await this.redis.hget(this.keys(prefix).sync(), field)
    return text == null ? undefined : JSON.parse(text) as T
  }

  /** the peer a node's hints name for a cache id */
  async hint (prefix: string, cacheId: CacheId): Promise<{ cid: Cid, peer: string } | undefined> {
    const text = await this.redis.hget(this.keys(prefix).remoteIndex(), cacheId)
    return text == null ? undefined : JSON.parse(text) as { cid: Cid, peer: string }
  }
}

/** a DAG-JSON block as a node's trustless gateway serves it (the node must hold it) */
export async function blockOf<T> (node: NodeProcess, cid: string): Promise<T> {
  const res = await fetch(`${node.url}/ipfs/${cid}?format=raw`)
  expect(res.status, `${cid} from ${node.url}`).toBe(200)
  return dagJson.decode<T>(new Uint8Array(await res.arrayBuffer()))
}

interface Link { toString: () => string }
interface Manifest { peer: string, seq: number, count: number, snapshot: Link | null, tail: Link[] }
type TreeNode = { leaf: Array<[string, string]> } | { branch: Array<Link | null> }

/** a node's manifest, read from the node itself, with every block it links (snapshot tree and tail batches) and every entry */
export async function chainOf (node: NodeProcess, manifestCid: string): Promise<{ manifest: Manifest, batches: string[], entries: Map<string, string> }> {
  const manifest = await blockOf<Manifest>(node, manifestCid)
  const batches: string[] = []
  const entries = new Map<string, string>()
  const walk = async (at: Link | null): Promise<void> => {
    if (at == null) return
    batches.push(at.toString())
    const tree = await blockOf<TreeNode>(node, at.toString())
    if ('leaf' in tree) for (const [cacheId, cid] of tree.leaf) entries.set(cacheId, cid)
    else for (const child of tree.branch) await walk(child)
  }
  await walk(manifest.snapshot)
  // the tail is newest first: older batches are applied first so the newest CID of a cache id wins
  for (const at of [...manifest.tail].reverse()) {
    const batch = await blockOf<{ entries: Array<[string, string]> }>(node, at.toString())
    batches.push(at.toString())
    for (const [cacheId, cid] of batch.entries) entries.set(cacheId, cid)
  }
  return { manifest, batches, entries }
}

/** runs a recipe (or an effect by name) on a node and waits for it */
export async function render (node: NodeProcess, recipe: string, inputs: string[] = ['cat']): Promise<RunRecord> {
  const { status, body } = await node.api<RunRecord>('POST', '/runs?wait=120', { recipe, inputs })
  expect(status, JSON.stringify(body)).toBeLessThan(300)
  expect(body.status, body.error).toBe('completed')
  return body
}

export function effectStep (run: RunRecord): RunRecord['steps'][number] {
  const step = run.steps.find((s) => s.type === 'EFFECT')
  if (step == null) throw new Error(`run ${run.id} has no EFFECT step`)
  return step
}

/** the epoch ms of the node's first log line with this message (pino JSON, LOG_LEVEL info or lower) */
export function loggedAt (node: NodeProcess, msg: string): number | undefined {
  for (const line of node.log().split('\n')) {
    if (!line.startsWith('{') || !line.includes(msg)) continue
    try {
      const entry = JSON.parse(line) as { msg?: string, time?: number }
      if (entry.msg === msg) return entry.time
    } catch {} // stdout and stderr interleave: a line may be cut
  }
  return undefined
}

/** polls until fn returns a value other than undefined */
export async function until<T> (what: string, ms: number, fn: () => Promise<T | undefined>, everyMs = 20): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { MemoryBlockstore } from 'blockstore-core'
import { Redis } from 'ioredis'
import { expect } from 'vitest'
import { addContent } from '../../src/store/add.js'
import { Holds } from '../../src/store/holds.js'
import type { RunRecord } from '../../src/state/types.js'

/**
 * What must hold after every fault (issue #8): accepted runs end (completed, or failed with a reason),
 * content is served whole and matches its CID, no claim is left behind, the node answers /health.
 */

const FINAL = new Set(['completed', 'failed', 'cancelled'])

/** The CID the store gives these bytes (its own importer and profile), computed in memory */
export async function cidOfBytes (bytes: Uint8Array): Promise<string> {
  const blocks = new MemoryBlockstore()
  const { cid } = await addContent((async function * () { yield bytes })(), {
    blocks: { put: async (c, b) => await blocks.put(c, b), has: async (c) => await blocks.has(c), delete: async (c) => { await blocks.delete(c) } },
    holds: new Holds(),
    currentSize: async () => 0,
    pending: { bytes: 0 }
  })
  return cid.toString()
}

/** GET /cache/{cid}: 200, and the bytes hash back to the CID */
export async function expectServedIntact (url: string, cid: string): Promise<Uint8Array> {
  const res = await fetch(`${url}/cache/${cid}`)
  const bytes = new Uint8Array(await res.arrayBuffer())
  expect(res.status, new TextDecoder().decode(bytes.subarray(0, 300))).toBe(200)
  expect(await cidOfBytes(bytes)).toBe(cid)
  return bytes
}

/** polls GET /runs/{id} until the run is final; a failed run must say why */
export async function waitForRun (url: string, id: string, ms = 180_000): Promise<RunRecord> {
  const deadline = Date.now() + ms
  for (;;) {
    const res = await fetch(`${url}/runs/${id}`, { headers: { accept: 'application/json' } }).catch(() => undefined)
    if (res?.status === 200) {
      const run = await res.json() as RunRecord
      if (FINAL.has(run.status)) {
        if (run.status === 'failed') expect(run.error ?? '', `run ${id} failed without a reason`).not.toBe('')
        return run
      }
    }
    if (Date.now() > deadline) throw new Error(`run ${id} did not finish within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** step leases (BullMQ job locks) left under the prefix: a finished or abandoned step leaves none once its lock lapses */
export async function claimKeys (redis: Redis, prefix: string): Promise<string[]> {
  const keys: string[] = []
  let cursor = '0'
  do {
    const [next, page] = await redis.scan(cursor, 'MATCH', `${prefix}bull:steps:*:lock`, 'COUNT', 1000)
    keys.push(...page)
    cursor = next
  } while (cursor !== '0')
  return keys
}

/** waits (bounded) until no claim key is left: a killed owner's claim lasts at most its lease */
export async function expectClaimsReleased (redis: Redis, prefix: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms
  let left = await claimKeys(redis, prefix)
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200))
    left = await claimKeys(redis, prefix)
  }
  expect(left).toEqual([])
}

/** GET /health answers 200 with every check ok */
export async function expectHealthy (url: string): Promise<void> {
  const res = await fetch(`${url}/health`)
  const body = await res.json() as { status: string }
  expect(res.status, JSON.stringify(body)).toBe(200)
  expect(body.status).toBe('ok')
}

/** A client of a node process's managed Redis (port and password from its redis.conf), on the node's db */
export async function managedRedisClient (dataDir: string, db = 5): Promise<Redis> {
  const conf = await readFile(join(dataDir, 'redis', 'redis.conf'), 'utf8')
  const port = Number(/^port (\d+)$/m.exec(conf)?.[1])
  const password = /^requirepass (\S+)$/m.exec(conf)?.[1]
  return new Redis({ host: '127.0.0.1', port, password, db, maxRetriesPerRequest: null })
}

/** pid of a node process's managed redis-server */
export async function managedRedisPid (dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'redis', 'redis.pid'), 'utf8')).trim())
}

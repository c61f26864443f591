import { randomBytes } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cid } from '../../src/dag/ids.js'
import type { RunRecord } from '../../src/state/types.js'
import { fsBlockstoreOf } from '../../src/store/car/fs-blockstore.js'
import { call } from '../api/helpers.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { expectHealthy, expectServedIntact, waitForRun } from './invariants.js'

const RUNS = bySuite(20, 30)
const CYCLES = bySuite(20, 30)
const ROUNDS = 2
const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/**
 * The attacker's probe of issue 19, scaled to CI: renders of `invert` with different intensities while
 * uploads are deleted (each deletion collects garbage) and the node republishes its state manifest.
 */
describe('garbage collection racing renders, uploads and the state manifest', () => {
  let t: TestNode
  /** every block the blockstore deleted, whoever asked, by multihash (the store lists blocks by multihash only) */
  const deleted = new Set<string>()
  const key = (cid: string | CID): string => Buffer.from((typeof cid === 'string' ? CID.parse(cid) : cid).multihash.bytes).toString('base64')
  /** the sync state the node wrote: manifests, batches and snapshot nodes (each one a newer manifest replaced may go) */
  const manifests = new Set<string>()
  /** the slowest answer of each request kind while the race ran, in ms */
  const slowest = new Map<string, number>()

  const timed = async <T>(kind: string, request: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    try {
      return await request()
    } finally {
      slowest.set(kind, Math.max(slowest.get(kind) ?? 0, performance.now() - started))
    }
  }

  beforeAll(async () => {
    t = await startTestNode({ workers: 1, config: { syncEnabled: true, syncIntervalMs: 500 } })
    const fs = fsBlockstoreOf(t.node.mesh.helia.blockstore) as unknown as { delete: (cid: CID, o?: unknown) => Promise<void> }
    const del = fs.delete.bind(fs)
    fs.delete = async (cid, options) => {
      deleted.add(key(cid))
      await del(cid, options)
    }
    const store = t.node.store
    const putJson = store.putJson.bind(store)
    store.putJson = async (value, options) => {
      const cid = await putJson(value, options)
      if (options?.pin !== 'provenance') manifests.add(key(cid))
      return cid
    }
  })

  afterAll(async () => { await t?.stop() })

  it(`should keep every referenced block while ${RUNS} renders race ${CYCLES} upload-delete cycles, ${ROUNDS} times`, async () => {
    const deletedUploads: Cid[] = []
    const runIds: string[] = []
    let racing = true
    // readers during the race: none may wait behind a collection
    const probes = (async () => {
      while (racing) {
        await Promise.all([
          timed('GET /health', async () => await fetch(`${t.url}/health`).then(async (r) => await r.arrayBuffer())),
          timed('GET /cache/cat', async () => await fetch(`${t.url}/cache/${(await t.node.state.assets.get('cat'))!.cid}`).then(async (r) => await r.arrayBuffer())),
          timed('GET /cache', async () => await fetch(`${t.url}/cache`).then(async (r) => await r.arrayBuffer()))
        ])
        await sleep(50)
      }
    })()
    for (let round = 0; round < ROUNDS; round++) {
      const renders = (async () => {
        for (let i = 0; i < RUNS; i++) {
          const intensity = (round * RUNS + i + 1) / (ROUNDS * RUNS + 1)
          const res = await timed('POST /runs', async () => await call<RunRecord>(`${t.url}/runs`, { method: 'POST', json: { recipe: 'invert', inputs: ['cat'], params: { intensity } } }))
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
          runIds.push(res.body.id)
          await sleep(100)
        }
      })()
      const cycles = (async () => {
        for (let i = 0; i < CYCLES; i++) {
          const up = await timed('POST /cache/upload', async () => await call<{ cid: Cid }>(`${t.url}/cache/upload`, {
            method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: randomBytes(1000)
          }))
          expect(up.status, JSON.stringify(up.body)).toBe(201)
          const gone = await timed('DELETE /cache/{cid}', async () => await call(`${t.url}/cache/${up.body.cid}`, { method: 'DELETE' }))
          expect(gone.status, JSON.stringify(gone.body)).toBe(200)
          deletedUploads.push(up.body.cid)
          await sleep(150)
        }
      })()
      await Promise.all([renders, cycles])
    }
    const runs = await Promise.all(runIds.map(async (id) => await waitForRun(t.url, id)))
    racing = false
    await probes
    await t.library.gc()

    // what must stay: every run's input, steps, output and provenance, and the node's state manifest chain
    const referenced = new Set<string>()
    for (const run of runs) {
      expect(run.status, run.error).toBe('completed')
      await expectServedIntact(t.url, run.outputCid!)
      const provenance = await t.node.store.getJson<{ run: string }>(run.provenanceCid!, { timeoutMs: 1_000 })
      expect(provenance.run).toBe(run.id)
      for (const cid of [run.outputCid, run.provenanceCid, ...run.steps.map((s) => s.cid), ...run.inputs.map((i) => i.cid)]) {
        if (cid != null) referenced.add(cid)
      }
    }
    // the manifest is written again from the chain it has (a lost batch or manifest would fail it)
    const report = await t.node.sync.publishNow({ scan: true })
    const manifest = report.manifest!
    expect(t.node.sync.status().manifest).toBe(manifest)
    expect(await t.node.store.pinReasons(manifest)).toContain('manifest')
    referenced.add(manifest)
    // and every block the manifest links to (its snapshot tree and tail batches)
    const linked = async (cid: string): Promise<void> => {
      const walk = async (value: unknown): Promise<void> => {
        const link = CID.asCID(value)
        if (link != null) {
          if (!referenced.has(link.toString())) { referenced.add(link.toString()); await linked(link.toString()) }
        } else if (Array.isArray(value)) { for (const v of value) await walk(v) } else if (typeof value === 'object' && value != null) { for (const v of Object.values(value)) await walk(v) }
      }
      await walk(await t.node.store.getJson<unknown>(cid as Cid, { timeoutMs: 1_000 }))
    }
    await linked(manifest)
    expect([...referenced].filter((cid) => deleted.has(key(cid)))).toEqual([])
    // what went: each deleted upload, and besides them only sync state a newer manifest replaced
    for (const cid of deletedUploads) {
      expect(deleted.has(key(cid)), `upload ${cid} was not collected`).toBe(true)
      expect(await t.node.store.has(cid)).toBe(false)
    }
    const uploads = new Set(deletedUploads.map(key))
    expect([...deleted].filter((k) => !uploads.has(k) && !manifests.has(k))).toEqual([])
    for (const [kind, ms] of slowest) expect(ms, `${kind} took ${Math.round(ms)} ms during the race`).toBeLessThan(2_000)
    await expectHealthy(t.url)
  }, bySuite(300_000, 600_000))
})

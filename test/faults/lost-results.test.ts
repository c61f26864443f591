import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/state/types.js'
import { localBlockstore } from '../../src/store/local-blockstore.js'
import { call, expectError } from '../api/helpers.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { testPrefix } from '../fixtures/redis.js'
import { expectServedIntact, waitForRun } from './invariants.js'

describe('completed runs whose bytes were lost before a restart', () => {
  let dir: string
  const prefix = testPrefix()
  let t: TestNode
  const start = async (): Promise<TestNode> => await startTestNode({ config: { dataDir: dir, redisPrefix: prefix, syncEnabled: true, syncIntervalMs: 60_000 } })
  const submit = async (intensity: number): Promise<RunRecord> => {
    const res = await call<RunRecord>(`${t.url}/runs?wait=120`, { method: 'POST', json: { recipe: 'invert', inputs: ['cat'], params: { intensity } } })
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300)
    return res.body.status === 'completed' ? res.body : await waitForRun(t.url, res.body.id)
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-lost-results-'))
    t = await start()
  })
  afterAll(async () => {
    await t?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should refuse to delete a run\'s provenance record or the node\'s state manifest', async () => {
    const run = await submit(0.31)
    expect(run.status, run.error).toBe('completed')
    const provenance = run.provenanceCid!
    expectError(await call(`${t.url}/cache/${provenance}`, { method: 'DELETE' }), 409, 'content-in-use',
      `content ${provenance} is the provenance record of a run; discard that run first`)
    const manifest = (await t.node.sync.publishNow({ scan: true })).manifest!
    expectError(await call(`${t.url}/cache/${manifest}`, { method: 'DELETE' }), 409, 'content-in-use',
      `content ${manifest} is this node's state manifest (what it shares with its peers) and cannot be deleted`)
    await t.library.gc()
    expect(await t.node.store.hasAll(provenance)).toBe(true)
    expect(await t.node.store.hasAll(manifest)).toBe(true)
    expect((await t.node.store.getJson<{ run: string }>(provenance)).run).toBe(run.id)
  })

  it('should find a lost output and a lost provenance record at start, count them, and render on resubmission', async () => {
    const lostOutput = await submit(0.41)
    const lostProvenance = await submit(0.42)
    expect([lostOutput.status, lostProvenance.status]).toEqual(['completed', 'completed'])
    const local = localBlockstore(t.node.mesh.helia.blockstore)
    await local.delete(CID.parse(lostOutput.outputCid!))
    await local.delete(CID.parse(lostProvenance.provenanceCid!))
    await t.stop()
    t = await start()

    const metrics = await (await fetch(`${t.url}/metrics`)).text()
    expect(metrics).toContain('artdag_runs_lost_content{kind="output"} 1')
    expect(metrics).toContain('artdag_runs_lost_content{kind="provenance"} 1')
    const failed = (await call<RunRecord>(`${t.url}/runs/${lostOutput.id}`)).body
    expect(failed.status).toBe('failed')
    expect(failed.error).toBe(`its output ${lostOutput.outputCid!} is missing from the store (found as the node started); submit the run again to render it`)

    const rendered = await submit(0.41)
    expect(rendered.id).toBe(lostOutput.id)
    expect(rendered.status, rendered.error).toBe('completed')
    expect(rendered.steps.find((s) => s.type === 'EFFECT')?.status).toBe('completed')
    await expectServedIntact(t.url, rendered.outputCid!)
    expect(rendered.outputCid).toBe(lostOutput.outputCid)

    const recorded = await submit(0.42)
    expect(recorded.status, recorded.error).toBe('completed')
    expect(recorded.steps.find((s) => s.type === 'EFFECT')?.status).toBe('cached')
    expect((await t.node.store.getJson<{ run: string }>(recorded.provenanceCid!, { timeoutMs: 1_000 })).run).toBe(recorded.id)
    await expectServedIntact(t.url, recorded.outputCid!)
  }, 240_000)
})

import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { CID } from 'multiformats/cid'
import type { Cid } from '../../src/dag/ids.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import type { RunRecord } from '../../src/state/types.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { testRedis } from '../fixtures/redis.js'
import { damageBlock, leafOf } from './blocks.js'
import { expectClaimsReleased, expectHealthy, expectServedIntact, waitForRun } from './invariants.js'

/** the same invert step, then two different finishing effects: the second recipe needs the first one's invert output */
const chain = (name: string, last: string): string => `
name: ${name}
dag:
  nodes:
    - { id: input, type: SOURCE, config: { input: true, name: input } }
    - { id: inverted, type: EFFECT, config: { effect: invert }, inputs: [input] }
    - { id: out, type: EFFECT, config: { effect: ${last} }, inputs: [inverted] }
  output: out
`

describe('a block damaged on disk', () => {
  let t: TestNode
  let redis: Redis

  beforeAll(async () => {
    t = await startTestNode({ workers: 1 })
    redis = testRedis()
  })

  afterAll(async () => {
    redis?.disconnect()
    await t?.stop()
  })

  const post = async <T>(path: string, body: unknown, type = 'application/json'): Promise<{ status: number, body: T }> => {
    const res = await fetch(`${t.url}${path}`, {
      method: 'POST', headers: { 'content-type': type, accept: 'application/json' }, body: typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body)
    })
    return { status: res.status, body: await res.json() as T }
  }

  it('should answer a clear error for damaged content, drop the block and take the bytes again', async () => {
    const bytes = randomBytes(5000)
    const { body: { cid } } = await post<{ cid: Cid }>('/cache/upload', bytes, 'application/octet-stream')
    await damageBlock(t.node, t.dataDir, CID.parse(cid))

    const res = await fetch(`${t.url}/cache/${cid}`)
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({ error: 'corrupt-content', message: `block ${cid} is corrupt: its bytes do not match its CID` })
    expect(await t.node.store.has(cid)).toBe(false)
    // the block is gone, not served: no peer has it, so a clear 404 after the fetch deadline (not a hang)
    const again = await fetch(`${t.url}/cache/${cid}`)
    expect(again.status).toBe(404)
    // the upload pin stayed; GC walks past the missing block
    expect(await t.node.store.pinReasons(cid)).toContain('upload')
    await t.library.gc()
    const { status } = await post('/cache/upload', bytes, 'application/octet-stream')
    expect(status).toBeLessThan(300)
    await expectServedIntact(t.url, cid)
  })

  it('should serve the bytes again from a peer that holds them once the damaged block is dropped', async () => {
    const peer = await startTestNode({ workers: 0, config: { bootstrap: [t.node.mesh.multiaddrs()[0]!] } })
    try {
      const bytes = randomBytes(7000)
      const { body: { cid } } = await post<{ cid: Cid }>('/cache/upload', bytes, 'application/octet-stream')
      const onPeer = await fetch(`${peer.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
      expect(((await onPeer.json()) as { cid: string }).cid).toBe(cid)
      await damageBlock(t.node, t.dataDir, CID.parse(cid))
      expect((await fetch(`${t.url}/cache/${cid}`)).status).toBe(502)
      // the next read finds the block missing and fetches it (verified) from the peer
      await expectServedIntact(t.url, cid)
      // the download streamed from the pull; the pull itself completes (stores the root) right after
      await vi.waitFor(async () => { expect(await t.node.store.has(cid)).toBe(true) }, { timeout: 20_000, interval: 50 })
    } finally {
      await peer.stop()
    }
  })

  it('should fail a run that reads a damaged step output with the reason, and render the step again on resubmission', async () => {
    // a noise picture: its inverse is a PNG of several 1 MiB blocks
    const png = join(t.dataDir, 'noise.png')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'nullsrc=s=900x900,geq=random(1)*255:random(2)*255:random(3)*255', '-frames:v', '1', png])
    const { body: { cid: input } } = await post<{ cid: Cid }>('/cache/upload', await readFile(png), 'image/png')
    for (const [name, last] of [['fault-gray', 'grayscale'], ['fault-sepia', 'sepia']]) {
      expect((await post('/configs/upload', chain(name!, last!), 'text/yaml')).status).toBeLessThan(300)
    }
    const first = await post<RunRecord>('/runs?wait=120', { recipe: 'fault-gray', inputs: [input] })
    expect(first.body.status, first.body.error).toBe('completed')
    const inverted = first.body.steps.find((s) => s.id === 'inverted')!
    const leaf = await leafOf(t.node, inverted.cid!, 1)
    await damageBlock(t.node, t.dataDir, leaf)

    const failed = await post<RunRecord>('/runs?wait=120', { recipe: 'fault-sepia', inputs: [input] })
    const done = failed.body.status === 'failed' ? failed.body : await waitForRun(t.url, failed.body.id)
    expect(done.status).toBe('failed')
    expect(done.error).toContain(`block ${leaf.toString()} is corrupt: its bytes do not match its CID`)
    // the bad block is dropped, the step that produced it forgotten; its pins are untouched and GC copes
    expect(await t.node.mesh.helia.blockstore.has(leaf)).toBe(false)
    expect(await t.node.state.cacheIndex.get(inverted.cacheId)).toBeUndefined()
    expect(await t.node.store.pinReasons(inverted.cid!)).toEqual(expect.arrayContaining(['cache']))
    await t.library.gc()

    const retried = await post<RunRecord>('/runs?wait=120', { recipe: 'fault-sepia', inputs: [input] })
    const ok = retried.body.status === 'completed' ? retried.body : await waitForRun(t.url, retried.body.id)
    expect(ok.status, ok.error).toBe('completed')
    expect(ok.steps.find((s) => s.id === 'inverted')).toMatchObject({ status: 'completed', cid: inverted.cid })
    // rendering it again restored the dropped block: both runs' content is whole again
    await expectServedIntact(t.url, inverted.cid!)
    await expectServedIntact(t.url, first.body.outputCid!)
    await expectServedIntact(t.url, ok.outputCid!)
    await expectClaimsReleased(redis, t.node.config.redisPrefix)
    await expectHealthy(t.url)
  }, 240_000)
})

import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import type { RunRecord } from '../../src/state/types.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { testRedis } from '../fixtures/redis.js'
import { expectClaimsReleased, expectHealthy, expectServedIntact, waitForRun } from './invariants.js'

const MiB = 1024 * 1024
const QUOTA = 40 * MiB
const FULL = `the store is full: adding this content would exceed its quota of ${QUOTA} bytes`

describe('a store at its quota', () => {
  let t: TestNode
  let redis: Redis

  beforeAll(async () => {
    t = await startTestNode({ workers: 1, config: { storeMaxBytes: QUOTA } })
    redis = testRedis()
  })

  afterAll(async () => {
    redis?.disconnect()
    await t?.stop()
  })

  const upload = async (bytes: Uint8Array): Promise<{ status: number, body: Record<string, unknown> }> => {
    const res = await fetch(`${t.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
    return { status: res.status, body: await res.json() as Record<string, unknown> }
  }

  const pins = async (): Promise<number> => {
    let n = 0
    for await (const pin of t.node.store.pinned()) if (pin != null) n++
    return n
  }

  /** what a half-written add would leave: blocks, pins, listed content, cache entries */
  const footprint = async (): Promise<{ size: number, pins: number, content: number, cacheEntries: number }> => ({
    size: await t.node.store.size(),
    pins: await pins(),
    content: (await t.node.state.content.list({ offset: 0, limit: 1000 })).total,
    cacheEntries: await t.node.state.cacheIndex.count()
  })

  it('should refuse an upload and a run past the quota with its reason, keep nothing of them, and run once space is freed', async () => {
    const png = join(t.dataDir, 'noise.png')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'nullsrc=s=900x900,geq=random(1)*255:random(2)*255:random(3)*255', '-frames:v', '1', png])
    const input = await upload(await readFile(png))
    expect(input.status, JSON.stringify(input.body)).toBeLessThan(300)
    // fill the store to half a MiB under the quota: the input fits, its inverse (as large) does not
    const filler = await upload(randomBytes(QUOTA - await t.node.store.size() - MiB / 2 - 4096))
    expect(filler.status, JSON.stringify(filler.body)).toBeLessThan(300)

    const before = await footprint()
    const over = await upload(randomBytes(MiB))
    expect(over).toEqual({ status: 413, body: { error: 'store-full', message: FULL } })
    expect(await footprint()).toEqual(before)

    const submitted = await fetch(`${t.url}/runs?wait=120`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipe: 'invert', inputs: [input.body.cid] }) })
    const first = await submitted.json() as RunRecord
    const failed = first.status === 'failed' ? first : await waitForRun(t.url, first.id)
    expect(failed.status).toBe('failed')
    expect(failed.error).toContain(FULL)
    expect(failed.outputCid).toBeUndefined()
    const effect = failed.steps.find((s) => s.type === 'EFFECT')!
    expect(effect.status).toBe('failed')
    expect(await t.node.state.cacheIndex.get(effect.cacheId)).toBeUndefined()
    expect(await footprint()).toEqual(before)
    await expectClaimsReleased(redis, t.node.config.redisPrefix)

    const freed = await fetch(`${t.url}/cache/${filler.body.cid as string}`, { method: 'DELETE' })
    expect(freed.status, await freed.text()).toBe(200)
    // the deletion's blocks are collected after the answer
    await t.library.gc()
    const again = await fetch(`${t.url}/runs?wait=120`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipe: 'invert', inputs: [input.body.cid] }) })
    const retried = await again.json() as RunRecord
    const done = retried.status === 'completed' ? retried : await waitForRun(t.url, retried.id)
    expect(done.status, done.error).toBe('completed')
    await expectServedIntact(t.url, done.outputCid!)
    await expectServedIntact(t.url, input.body.cid as string)
    expect(await t.node.store.size()).toBeLessThanOrEqual(QUOTA)
    await expectClaimsReleased(redis, t.node.config.redisPrefix)
    await expectHealthy(t.url)
  }, 240_000)
})

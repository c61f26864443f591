import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClaimsStoppedError, createCacheIndex, createClaims, type Claims } from '../../src/state/index.js'
import { CID_A, cacheId, testState, type TestState } from './helpers.js'

describe('claims.waitForResult', () => {
  let state: TestState
  let owner: Claims
  let waiter: Claims

  beforeEach(() => {
    state = testState()
    // a long lease unless a test is about expiry: a loaded machine must not turn a slow test into an orphan
    owner = createClaims({ redis: state.redis, keys: state.keys, workerId: 'owner', leaseMs: 10_000 })
    waiter = createClaims({ redis: state.redis, keys: state.keys, workerId: 'waiter', leaseMs: 200 })
  })
  afterEach(async () => {
    await owner.stop()
    await waiter.stop()
    await state.cleanup()
  })

  it('should receive a result published while waiting, and find it in the cache index', async () => {
    const id = cacheId()
    expect(await owner.claim(id)).toBe(true)
    const waiting = waiter.waitForResult(id)
    await sleep(50)
    await owner.publishResult(id, { cid: CID_A })
    await owner.release(id)
    expect(await waiting).toEqual({ kind: 'result', cid: CID_A })
    expect(await createCacheIndex(state).get(id)).toBe(CID_A)
  })

  it('should serve many waiters of the same step from one subscription', async () => {
    const id = cacheId()
    await owner.claim(id)
    const waits = Array.from({ length: 20 }, async () => await waiter.waitForResult(id))
    const subscribers = async (): Promise<unknown> => (await state.redis.pubsub('NUMSUB', state.keys.stepResult(id)) as unknown[])[1]
    const until = async (count: number): Promise<unknown> => {
      for (let i = 0; i < 100 && await subscribers() !== count; i++) await sleep(20)
      return await subscribers()
    }
    expect(await until(1)).toBe(1)
    await sleep(30)
    // 20 waiters, still one subscription
    expect(await subscribers()).toBe(1)
    await owner.publishResult(id, { cid: CID_A })
    const results = await Promise.all(waits)
    expect(results.every((r) => r.kind === 'result' && r.cid === CID_A)).toBe(true)
    expect(await until(0)).toBe(0)
  })

  it('should return a result that was already in the index', async () => {
    const id = cacheId()
    await owner.claim(id)
    await owner.publishResult(id, { cid: CID_A })
    expect(await waiter.waitForResult(id)).toEqual({ kind: 'result', cid: CID_A })
  })

  it('should report a failure published while waiting and one published before', async () => {
    const id = cacheId()
    await owner.claim(id)
    const waiting = waiter.waitForResult(id)
    await sleep(50)
    await owner.publishResult(id, { error: 'ffmpeg exited with code 1' })
    expect(await waiting).toEqual({ kind: 'error', error: 'ffmpeg exited with code 1' })
    await owner.release(id)
    expect(await waiter.waitForResult(id)).toEqual({ kind: 'error', error: 'ffmpeg exited with code 1' })
  })

  it('should forget the previous failure when a new attempt claims the step', async () => {
    const id = cacheId()
    await owner.claim(id)
    await owner.publishResult(id, { error: 'transient' })
    await owner.release(id)
    expect(await owner.claim(id)).toBe(true)
    const waiting = waiter.waitForResult(id)
    await sleep(50)
    await owner.publishResult(id, { cid: CID_A })
    expect(await waiting).toEqual({ kind: 'result', cid: CID_A })
  })

  it('should report orphaned when the owner\'s claim expires without a result', async () => {
    const id = cacheId()
    const crashing = createClaims({ redis: state.redis, keys: state.keys, workerId: 'crashing', leaseMs: 200 })
    await crashing.claim(id)
    const started = Date.now()
    // the owner "crashes": nobody renews, the 200 ms lease runs out
    expect(await waiter.waitForResult(id)).toEqual({ kind: 'orphaned' })
    const waited = Date.now() - started
    expect(waited).toBeGreaterThanOrEqual(150)
    expect(waited).toBeLessThan(2_000)
    expect(await waiter.claim(id)).toBe(true)
    await crashing.stop()
  })

  it('should report orphaned at once when nobody holds the claim', async () => {
    expect(await waiter.waitForResult(cacheId())).toEqual({ kind: 'orphaned' })
  })

  it('should keep waiting while the owner holds and renews the claim', async () => {
    const id = cacheId()
    const renewing = createClaims({ redis: state.redis, keys: state.keys, workerId: 'renewing', leaseMs: 200 })
    const held = renewing.hold(id, async () => {
      await sleep(700)
      await renewing.publishResult(id, { cid: CID_A })
    })
    await sleep(20)
    expect(await waiter.waitForResult(id)).toEqual({ kind: 'result', cid: CID_A })
    await held
    await renewing.stop()
  })

  it('should abort when passed an aborted signal', async () => {
    await expect(waiter.waitForResult(cacheId(), { signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
  })

  it('should abort a wait when its signal fires', async () => {
    const id = cacheId()
    await owner.claim(id)
    await expect(waiter.waitForResult(id, { signal: AbortSignal.timeout(80) })).rejects.toThrow('The operation was aborted due to timeout')
  })

  it('should reject pending waits on stop', async () => {
    const id = cacheId()
    await owner.claim(id)
    const waiting = waiter.waitForResult(id).catch((e: unknown) => e)
    await sleep(30)
    await waiter.stop()
    const err = await waiting
    expect(err).toBeInstanceOf(ClaimsStoppedError)
    expect((err as Error).message).toBe('claims were stopped')
    await expect(waiter.claim(id)).rejects.toThrow(new ClaimsStoppedError('claims were stopped'))
  })
})

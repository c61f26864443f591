import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClaimLostError, ClaimNotAcquiredError, InvalidStateOptionError, createClaims, type Claims } from '../../src/state/index.js'
import { CID_A, cacheId, testState, type TestState } from './helpers.js'

describe('claims', () => {
  let state: TestState
  const started: Claims[] = []
  // long by default so a loaded machine cannot expire a claim mid-test; expiry tests pass a short one
  const claims = (workerId: string, leaseMs = 10_000): Claims => {
    const c = createClaims({ redis: state.redis, keys: state.keys, workerId, leaseMs })
    started.push(c)
    return c
  }

  beforeEach(() => { state = testState() })
  afterEach(async () => {
    await Promise.all(started.splice(0).map(async (c) => { await c.stop() }))
    await state.cleanup()
  })

  it('should let exactly one of 100 concurrent racers win a claim', async () => {
    const id = cacheId()
    const racers = Array.from({ length: 100 }, (_, i) => claims(`w${i}`, 5_000))
    const results = await Promise.all(racers.map(async (c) => await c.claim(id)))
    expect(results.filter(Boolean)).toHaveLength(1)
    const winner = racers[results.indexOf(true)]
    expect(await racers[0]?.owner(id)).toBe(winner?.workerId)
  })

  it('should set the lease as the key TTL', async () => {
    const id = cacheId()
    await claims('a', 2_000).claim(id)
    const ttl = await state.redis.pttl(state.keys.claim(id))
    expect(ttl).toBeGreaterThan(1_500)
    expect(ttl).toBeLessThanOrEqual(2_000)
  })

  it('should renew and release only for the owner', async () => {
    const id = cacheId()
    const a = claims('a')
    const b = claims('b')
    expect(await a.claim(id)).toBe(true)
    expect(await b.renew(id)).toBe(false)
    expect(await b.release(id)).toBe(false)
    expect(await a.owner(id)).toBe('a')
    expect(await a.renew(id)).toBe(true)
    expect(await a.release(id)).toBe(true)
    expect(await a.owner(id)).toBeUndefined()
    expect(await b.claim(id)).toBe(true)
  })

  it('should keep a held claim alive past three leases and release it at the end', async () => {
    const id = cacheId()
    const a = claims('a', 500)
    const b = claims('b', 500)
    const result = await a.hold(id, async (signal) => {
      await sleep(1_600)
      expect(signal.aborted).toBe(false)
      expect(await b.claim(id)).toBe(false)
      return 42
    })
    expect(result).toBe(42)
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should adopt a claim taken with claim() in hold()', async () => {
    const id = cacheId()
    const a = claims('a')
    expect(await a.claim(id)).toBe(true)
    expect(await a.hold(id, async () => await a.owner(id))).toBe('a')
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should refuse to adopt a claim that expired before hold() started', async () => {
    const id = cacheId()
    const a = claims('a', 50)
    expect(await a.claim(id)).toBe(true)
    await sleep(120)
    let ran = false
    await expect(a.hold(id, async () => { ran = true })).rejects.toThrow(
      new ClaimLostError(`the claim on step ${id} expired or was taken before hold() started`))
    expect(ran).toBe(false)
  })

  it('should release the claim when the held function throws', async () => {
    const id = cacheId()
    const a = claims('a')
    await expect(a.hold(id, async () => { throw new Error('render failed') })).rejects.toThrow('render failed')
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should refuse to hold a step another worker owns', async () => {
    const id = cacheId()
    await claims('a', 5_000).claim(id)
    const err = await claims('b').hold(id, async () => 1).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClaimNotAcquiredError)
    expect((err as Error).message).toBe(`step ${id} is claimed by a`)
  })

  it('should abort the holder\'s signal when the claim is lost', async () => {
    const id = cacheId()
    const a = claims('a', 150)
    const err = await a.hold(id, async (signal) => {
      // another worker takes over, as after an expired lease
      await state.redis.set(state.keys.claim(id), 'intruder', 'PX', 5_000)
      await new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
      })
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClaimLostError)
    expect((err as Error).message).toBe(`the claim on step ${id} was lost while it ran (lease 150 ms expired or taken over)`)
    expect(await a.owner(id)).toBe('intruder')
  })

  it('should abort hold when passed an aborted signal', async () => {
    const id = cacheId()
    const a = claims('a')
    await expect(a.hold(id, async () => 1, { signal: AbortSignal.abort() })).rejects.toThrow('This operation was aborted')
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should pass the caller\'s abort to the held function and release the claim', async () => {
    const id = cacheId()
    const a = claims('a')
    const controller = new AbortController()
    let running = (): void => {}
    const started = new Promise<void>((resolve) => { running = resolve })
    const held = a.hold(id, async (signal) => {
      running()
      await new Promise((_resolve, reject) => { signal.addEventListener('abort', () => { reject(signal.reason) }, { once: true }) })
    }, { signal: controller.signal })
    await started
    controller.abort(new Error('shutting down'))
    await expect(held).rejects.toThrow('shutting down')
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should give the claim back when aborted while taking it', async () => {
    const id = cacheId()
    const a = claims('a')
    const controller = new AbortController()
    let ran = false
    const held = a.hold(id, async () => { ran = true }, { signal: controller.signal })
    // the abort lands while the claim's round trip is in flight
    controller.abort(new Error('shutting down'))
    await expect(held).rejects.toThrow('shutting down')
    expect(ran).toBe(false)
    expect(await a.owner(id)).toBeUndefined()
  })

  it('should hand hold() the cache index entry read while taking the claim', async () => {
    const id = cacheId()
    const a = claims('a')
    expect(await a.hold(id, async (_signal, claimed) => claimed)).toEqual({ indexRead: true })
    await state.redis.hset(state.keys.cacheIndex(), id, CID_A)
    expect(await a.hold(id, async (_signal, claimed) => claimed)).toEqual({ indexRead: true, indexed: CID_A })
    // a claim adopted from claim() was taken without reading the index
    expect(await a.claim(id)).toBe(true)
    expect(await a.hold(id, async (_signal, claimed) => claimed)).toEqual({ indexRead: false })
  })

  it('should release the claim together with the result published inside hold()', async () => {
    const id = cacheId()
    const a = claims('a', 150)
    const waiter = claims('w')
    const waiting = waiter.waitForResult(id)
    await a.hold(id, async (signal) => {
      await a.publishResult(id, { cid: CID_A })
      // released with the announcement, before hold() ends; later renewals must not read as a lost claim
      expect(await a.owner(id)).toBeUndefined()
      await sleep(400)
      expect(signal.aborted).toBe(false)
    })
    expect(await waiting).toEqual({ kind: 'result', cid: CID_A })
    expect(await state.redis.hget(state.keys.cacheIndex(), id)).toBe(CID_A)
  })

  it('should publish an error inside hold() and release the claim once', async () => {
    const id = cacheId()
    const a = claims('a')
    const b = claims('b')
    await expect(a.hold(id, async () => {
      await a.publishResult(id, { error: 'ffmpeg exited with code 1' })
      // someone else may take the step over at once; the end of hold() must not delete their claim
      expect(await b.claim(id)).toBe(true)
      throw new Error('ffmpeg exited with code 1')
    })).rejects.toThrow('ffmpeg exited with code 1')
    expect(await a.owner(id)).toBe('b')
    expect(await state.redis.get(state.keys.stepError(id))).toBeNull()
  })

  it('should reject a lease that is too short and an empty worker id', () => {
    expect(() => createClaims({ redis: state.redis, keys: state.keys, workerId: 'a', leaseMs: 10 }))
      .toThrow(new InvalidStateOptionError('leaseMs must be a whole number of milliseconds >= 40, got 10'))
    expect(() => createClaims({ redis: state.redis, keys: state.keys, workerId: ' ' }))
      .toThrow(new InvalidStateOptionError('workerId must not be empty'))
  })
})

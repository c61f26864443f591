import type { Redis } from 'ioredis'
import type { CacheId, Cid } from '../dag/ids.js'
import type { Logger } from '../util/logger.js'
import { silentLogger } from '../util/logger.js'
import { CLAIM, RELEASE, RENEW } from './claim-scripts.js'
import { ResultSubscriber } from './claim-subscriber.js'
import { DEFAULT_CLAIM_LEASE_MS, STEP_ERROR_TTL_MS } from './constants.js'
import { ClaimLostError, ClaimNotAcquiredError, ClaimsStoppedError, InvalidStateOptionError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { waitForStepResult } from './wait-for-result.js'

export type StepResult = { kind: 'result', cid: Cid } | { kind: 'error', error: string } | { kind: 'orphaned' }

export interface ClaimsInit {
  redis: Redis
  keys: RedisKeys
  logger?: Logger
  /** the value stored in claim keys; must be unique per process (e.g. `host:pid:random`) */
  workerId: string
  /** @default 30000 (DEFAULT_CLAIM_LEASE_MS) */
  leaseMs?: number
}

/** Who computes a step: `SET claim NX PX lease`, renewed while held, results announced over pub/sub */
export interface Claims {
  readonly workerId: string
  readonly leaseMs: number
  /** true if this worker now owns the step (SET NX PX) */
  claim(cacheId: CacheId): Promise<boolean>
  /** extends the lease, only while this worker owns the claim; false if it was lost */
  renew(cacheId: CacheId): Promise<boolean>
  /** deletes the claim, only if this worker owns it; false otherwise */
  release(cacheId: CacheId): Promise<boolean>
  /** the worker that owns the step, if any */
  owner(cacheId: CacheId): Promise<string | undefined>
  /**
   * Runs `fn` while owning the step: takes the claim (or adopts the one this instance just took with
   * `claim()`), renews it every lease/3, releases it at the end. If renewal finds the claim lost,
   * `fn`'s signal aborts with ClaimLostError. Throws ClaimNotAcquiredError if another worker owns it.
   */
  hold<T>(cacheId: CacheId, fn: (signal: AbortSignal) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>
  /** announces a step's outcome: a CID also goes to the cache index, an error to a short-lived key */
  publishResult(cacheId: CacheId, result: { cid: Cid } | { error: string }): Promise<void>
  /**
   * Waits for the outcome of a step owned by another worker; `orphaned` when the claim vanished
   * without a result (the owner crashed and its lease expired) so the caller can take the step over.
   */
  waitForResult(cacheId: CacheId, options?: { signal?: AbortSignal, leaseMs?: number }): Promise<StepResult>
  /** closes the subscriber connection; pending waits reject with ClaimsStoppedError. Idempotent. */
  stop(): Promise<void>
}

export function createClaims (init: ClaimsInit): Claims {
  return new RedisClaims(init)
}

class RedisClaims implements Claims {
  readonly workerId: string
  readonly leaseMs: number
  private readonly redis: Redis
  private readonly keys: RedisKeys
  private readonly log: Logger
  private readonly subscriber: ResultSubscriber
  private readonly stopping = new AbortController()
  /** claims taken with claim() and not yet adopted by hold() */
  private readonly unheld = new Set<CacheId>()

  constructor (init: ClaimsInit) {
    const leaseMs = init.leaseMs ?? DEFAULT_CLAIM_LEASE_MS
    if (!Number.isInteger(leaseMs) || leaseMs < 40) {
      throw new InvalidStateOptionError(`leaseMs must be a whole number of milliseconds >= 40, got ${String(leaseMs)}`)
    }
    if (init.workerId.trim() === '') throw new InvalidStateOptionError('workerId must not be empty')
    this.workerId = init.workerId
    this.leaseMs = leaseMs
    this.redis = init.redis
    this.keys = init.keys
    this.log = (init.logger ?? silentLogger()).child({ component: 'state:claims' })
    this.subscriber = new ResultSubscriber(this.redis, this.log)
  }

  async claim (cacheId: CacheId): Promise<boolean> {
    this.checkRunning()
    const won = await CLAIM.run(this.redis, [this.keys.claim(cacheId), this.keys.stepError(cacheId)], [this.workerId, this.leaseMs])
    if (won === 1) this.unheld.add(cacheId)
    return won === 1
  }

  async renew (cacheId: CacheId): Promise<boolean> {
    return await RENEW.run(this.redis, [this.keys.claim(cacheId)], [this.workerId, this.leaseMs]) === 1
  }

  async release (cacheId: CacheId): Promise<boolean> {
    this.unheld.delete(cacheId)
    return await RELEASE.run(this.redis, [this.keys.claim(cacheId)], [this.workerId]) === 1
  }

  async owner (cacheId: CacheId): Promise<string | undefined> {
    return (await this.redis.get(this.keys.claim(cacheId))) ?? undefined
  }

  async hold<T> (cacheId: CacheId, fn: (signal: AbortSignal) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    options.signal?.throwIfAborted()
    this.checkRunning()
    if (this.unheld.delete(cacheId)) {
      if (!await this.renew(cacheId)) throw new ClaimLostError(`the claim on step ${cacheId} expired or was taken before hold() started`)
    } else if (!await this.claim(cacheId)) {
      const owner = await this.owner(cacheId)
      throw new ClaimNotAcquiredError(`step ${cacheId} is claimed by ${owner ?? 'another worker'}`)
    } else {
      this.unheld.delete(cacheId)
    }

    if (options.signal?.aborted === true) {
      // aborted while the claim was being taken: give it back at once rather than start the work
      await this.release(cacheId)
      throw options.signal.reason
    }

    const lost = new AbortController()
    const signal = options.signal == null ? lost.signal : AbortSignal.any([options.signal, lost.signal])
    let finished = false
    let timer: NodeJS.Timeout | undefined
    const schedule = (): void => {
      timer = setTimeout(tick, Math.max(10, Math.floor(this.leaseMs / 3)))
      timer.unref()
    }
    const tick = (): void => {
      this.renew(cacheId).then((owned) => {
        if (finished) return
        if (owned) {
          schedule()
          return
        }
        this.log.warn({ cacheId }, 'claim lost while the step was running; aborting it')
        lost.abort(new ClaimLostError(`the claim on step ${cacheId} was lost while it ran (lease ${this.leaseMs} ms expired or taken over)`))
      }, (err: unknown) => {
        // Redis is briefly away: keep trying; if the lease runs out the next renewal reports it lost
        this.log.warn({ err, cacheId }, 'claim renewal failed; retrying')
        if (!finished) schedule()
      })
    }
    schedule()
    try {
      const result = await fn(signal)
      if (lost.signal.aborted) this.log.warn({ cacheId }, 'step finished after its claim was lost')
      return result
    } catch (err) {
      if (lost.signal.aborted) throw lost.signal.reason
      throw err
    } finally {
      finished = true
      clearTimeout(timer)
      if (!lost.signal.aborted) {
        await this.release(cacheId).catch((err: unknown) => { this.log.warn({ err, cacheId }, 'claim release failed; it will expire') })
      }
    }
  }

  async publishResult (cacheId: CacheId, result: { cid: Cid } | { error: string }): Promise<void> {
    const channel = this.keys.stepResult(cacheId)
    const tx = this.redis.multi()
    if ('cid' in result) {
      tx.hset(this.keys.cacheIndex(), cacheId, result.cid)
      tx.publish(channel, JSON.stringify({ cid: result.cid }))
    } else {
      tx.set(this.keys.stepError(cacheId), result.error, 'PX', STEP_ERROR_TTL_MS)
      tx.publish(channel, JSON.stringify({ error: result.error }))
    }
    await tx.exec()
  }

  async waitForResult (cacheId: CacheId, options: { signal?: AbortSignal, leaseMs?: number } = {}): Promise<StepResult> {
    options.signal?.throwIfAborted()
    this.checkRunning()
    const signal = options.signal == null ? this.stopping.signal : AbortSignal.any([options.signal, this.stopping.signal])
    try {
      return await waitForStepResult({
        redis: this.redis, keys: this.keys, subscriber: this.subscriber, cacheId, signal,
        pollMs: Math.max(10, Math.floor((options.leaseMs ?? this.leaseMs) / 4))
      })
    } catch (err) {
      // stop() closes the subscriber connection: whatever broke, the reason is the stop
      if (this.stopping.signal.aborted) throw this.stopping.signal.reason
      throw err
    }
  }

  async stop (): Promise<void> {
    if (!this.stopping.signal.aborted) this.stopping.abort(new ClaimsStoppedError('claims were stopped'))
    await this.subscriber.stop()
  }

  private checkRunning (): void {
    if (this.stopping.signal.aborted) throw new ClaimsStoppedError('claims were stopped')
  }
}

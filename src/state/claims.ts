import type { Redis } from 'ioredis'
import type { CacheId, Cid } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import { silentLogger } from '../util/index.js'
import { CLAIM, PUBLISH_RESULT, RELEASE, RENEW } from './claim-scripts.js'
import { ResultSubscriber } from './claim-subscriber.js'
import { DEFAULT_CLAIM_LEASE_MS, STEP_ERROR_TTL_MS } from './constants.js'
import { ClaimLostError, ClaimNotAcquiredError, ClaimsStoppedError, InvalidStateOptionError } from './errors.js'
import type { RedisKeys } from './keys.js'
import { waitForStepResult } from './wait-for-result.js'

export type StepResult = { kind: 'result', cid: Cid } | { kind: 'error', error: string } | { kind: 'orphaned' }

/** What hold() learned while taking the claim */
export interface ClaimedStep {
  /** true when the cache index was read in the same step as the claim was taken (`indexed` is its answer) */
  indexRead: boolean
  /** the step's cache index entry at claim time: a result someone finished between lookup and claim */
  indexed?: Cid
}

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
  /** true if this worker now owns the step (SET NX PX; a new attempt clears the previous attempt's error) */
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
   * Taking the claim also reads the step's cache index entry (one round trip), handed to `fn`.
   */
  hold<T>(cacheId: CacheId, fn: (signal: AbortSignal, claimed: ClaimedStep) => Promise<T>, options?: { signal?: AbortSignal }): Promise<T>
  /**
   * Announces a step's outcome: a CID also goes to the cache index, an error to a short-lived key.
   * Called inside hold(), it releases the claim in the same step (outcome first, then the claim).
   */
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
  /** claims held by hold(): released by publishResult or at the end of hold() */
  private readonly holding = new Map<CacheId, { released: boolean }>()

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
    const won = await this.take(cacheId) !== false
    if (won) this.unheld.add(cacheId)
    return won
  }

  /** claim-or-hint: false when lost, else the claimed step with its cache index entry */
  private async take (cacheId: CacheId): Promise<ClaimedStep | false> {
    this.checkRunning()
    const answer = await CLAIM.run(this.redis, [this.keys.claim(cacheId), this.keys.stepError(cacheId), this.keys.cacheIndex()],
      [this.workerId, this.leaseMs, cacheId])
    if (answer === 0) return false
    return typeof answer === 'string' ? { indexRead: true, indexed: answer as Cid } : { indexRead: true }
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

  async hold<T> (cacheId: CacheId, fn: (signal: AbortSignal, claimed: ClaimedStep) => Promise<T>, options: { signal?: AbortSignal } = {}): Promise<T> {
    options.signal?.throwIfAborted()
    this.checkRunning()
    let claimed: ClaimedStep | false = { indexRead: false }
    if (this.unheld.delete(cacheId)) {
      if (!await this.renew(cacheId)) throw new ClaimLostError(`the claim on step ${cacheId} expired or was taken before hold() started`)
    } else {
      claimed = await this.take(cacheId)
      if (claimed === false) {
        const owner = await this.owner(cacheId)
        throw new ClaimNotAcquiredError(`step ${cacheId} is claimed by ${owner ?? 'another worker'}`)
      }
    }

    if (options.signal?.aborted === true) {
      // aborted while the claim was being taken: give it back at once rather than start the work
      await this.release(cacheId)
      throw options.signal.reason
    }

    const lost = new AbortController()
    const signal = options.signal == null ? lost.signal : AbortSignal.any([options.signal, lost.signal])
    const held = { released: false }
    this.holding.set(cacheId, held)
    let finished = false
    let timer: NodeJS.Timeout | undefined
    const schedule = (): void => {
      timer = setTimeout(tick, Math.max(10, Math.floor(this.leaseMs / 3)))
      timer.unref()
    }
    const tick = (): void => {
      this.renew(cacheId).then((owned) => {
        if (finished || held.released) return
        if (owned) {
          schedule()
          return
        }
        this.log.warn({ cacheId }, 'claim lost while the step was running; aborting it')
        lost.abort(new ClaimLostError(`the claim on step ${cacheId} was lost while it ran (lease ${this.leaseMs} ms expired or taken over)`))
      }, (err: unknown) => {
        // Redis is briefly away: keep trying; if the lease runs out the next renewal reports it lost
        this.log.warn({ err, cacheId }, 'claim renewal failed; retrying')
        if (!finished && !held.released) schedule()
      })
    }
    schedule()
    try {
      const result = await fn(signal, claimed)
      if (lost.signal.aborted) this.log.warn({ cacheId }, 'step finished after its claim was lost')
      return result
    } catch (err) {
      if (lost.signal.aborted) throw lost.signal.reason
      throw err
    } finally {
      finished = true
      clearTimeout(timer)
      if (this.holding.get(cacheId) === held) this.holding.delete(cacheId)
      if (!lost.signal.aborted && !held.released) {
        await this.release(cacheId).catch((err: unknown) => { this.log.warn({ err, cacheId }, 'claim release failed; it will expire') })
      }
    }
  }

  async publishResult (cacheId: CacheId, result: { cid: Cid } | { error: string }): Promise<void> {
    const held = this.holding.get(cacheId)
    const release = held != null && !held.released
    // set first: a renewal answered after the release must not read as a lost claim
    if (held != null) held.released = true
    const [kind, target, value] = 'cid' in result
      ? ['cid', this.keys.cacheIndex(), result.cid]
      : ['error', this.keys.stepError(cacheId), result.error]
    const message = 'cid' in result ? JSON.stringify({ cid: result.cid }) : JSON.stringify({ error: result.error })
    try {
      await PUBLISH_RESULT.run(this.redis, [target, this.keys.claim(cacheId)],
        [kind, cacheId, value, this.keys.stepResult(cacheId), message, release ? this.workerId : '', STEP_ERROR_TTL_MS])
    } catch (err) {
      // not written: hold() still owns the claim and releases it at the end as usual
      if (held != null && release) held.released = false
      throw err
    }
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

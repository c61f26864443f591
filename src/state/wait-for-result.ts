import type { Redis } from 'ioredis'
import type { CacheId, Cid } from '../dag/index.js'
import type { ResultSubscriber } from './claim-subscriber.js'
import type { StepResult } from './claims.js'
import type { RedisKeys } from './keys.js'

export interface WaitComponents {
  redis: Redis
  keys: RedisKeys
  subscriber: ResultSubscriber
  cacheId: CacheId
  signal: AbortSignal
  /** how often the claim key's existence is checked */
  pollMs: number
}

/** parses a step-result message; undefined for anything that is not one */
export function parseResultMessage (message: string): StepResult | undefined {
  try {
    const value = JSON.parse(message) as { cid?: unknown, error?: unknown }
    if (typeof value.cid === 'string') return { kind: 'result', cid: value.cid as Cid }
    if (typeof value.error === 'string') return { kind: 'error', error: value.error }
  } catch {
    // not JSON: ignored like any foreign message on the channel
  }
  return undefined
}

/**
 * The claim-or-subscribe path, race-free: subscribe first, then look at the cache index and the
 * step's error key (an outcome published before we subscribed is there), then wait for a message.
 * The owner writes the outcome before releasing its claim, so a claim key that disappeared with
 * nothing written means the owner died: `orphaned`.
 */
export async function waitForStepResult (c: WaitComponents): Promise<StepResult> {
  let deliver: (result: StepResult) => void = () => {}
  const message = new Promise<StepResult>((resolve) => { deliver = resolve })
  const unlisten = await c.subscriber.listen(c.keys.stepResult(c.cacheId), (text) => {
    const result = parseResultMessage(text)
    if (result != null) deliver(result)
  })
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    c.signal.throwIfAborted()
    const aborted = new Promise<never>((_resolve, reject) => {
      onAbort = () => { reject(c.signal.reason) }
      c.signal.addEventListener('abort', onAbort, { once: true })
    })
    // an abort during a Redis call below settles `aborted` before any race listens to it
    aborted.catch(() => {})
    for (;;) {
      const known = await recorded(c)
      if (known != null) return known
      if (await c.redis.exists(c.keys.claim(c.cacheId)) === 0) {
        return (await recorded(c)) ?? { kind: 'orphaned' }
      }
      const tick = new Promise<undefined>((resolve) => {
        timer = setTimeout(() => { resolve(undefined) }, c.pollMs)
        timer.unref()
      })
      const outcome = await Promise.race([message, tick, aborted])
      clearTimeout(timer)
      if (outcome != null) return outcome
    }
  } finally {
    clearTimeout(timer)
    if (onAbort != null) c.signal.removeEventListener('abort', onAbort)
    unlisten()
  }
}

/** an outcome already written: the CID in the cache index, or the error of the last attempt */
async function recorded (c: WaitComponents): Promise<StepResult | undefined> {
  const [cid, error] = await Promise.all([
    c.redis.hget(c.keys.cacheIndex(), c.cacheId),
    c.redis.get(c.keys.stepError(c.cacheId))
  ])
  if (cid != null) return { kind: 'result', cid: cid as Cid }
  if (error != null) return { kind: 'error', error }
  return undefined
}

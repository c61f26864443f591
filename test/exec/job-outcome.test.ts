import { EventEmitter } from 'node:events'
import { Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { jobOutcome } from '../../src/exec/job-outcome.js'
import type { StepJobData, StepJobResult } from '../../src/exec/index.js'
import { redisEndpoint } from '../../src/state/index.js'
import { testPrefix, testRedisUrl } from '../fixtures/redis.js'

const result = (cacheId: string): StepJobResult =>
  ({ cacheId, cid: 'bafkreiresult', source: 'executed', worker: 'w', startedAt: '', finishedAt: '', durationMs: 0 }) as unknown as StepJobResult
const data = { step: { id: 's', type: 'EFFECT', config: {}, cacheId: 'c' }, inputs: [] } as unknown as StepJobData

describe('jobOutcome', () => {
  const connection = { ...redisEndpoint(testRedisUrl(), 5), maxRetriesPerRequest: null }
  let prefix: string
  let queue: Queue<StepJobData, StepJobResult>
  let events: QueueEvents
  let worker: Worker<StepJobData, StepJobResult> | undefined
  /** state reads: getJob calls on the queue */
  let reads: number

  beforeEach(async () => {
    prefix = testPrefix()
    queue = new Queue('outcome', { connection, prefix })
    events = new QueueEvents('outcome', { connection, prefix })
    await Promise.all([queue.waitUntilReady(), events.waitUntilReady()])
    reads = 0
    const getJob = queue.getJob.bind(queue)
    queue.getJob = async (id: string) => { reads++; return await getJob(id) }
  })
  afterEach(async () => {
    await worker?.close()
    worker = undefined
    await events.close()
    await queue.close()
  })

  const startWorker = (fn: (id: string) => Promise<StepJobResult>): void => {
    worker = new Worker<StepJobData, StepJobResult>('outcome', async (job) => await fn(String(job.id)), { connection, prefix })
  }

  it('should answer a new job from its completion event, reading no state', async () => {
    startWorker(async (id) => result(id))
    const outcome = jobOutcome(queue, events, 'job-new')
    await queue.add('j', data, { jobId: 'job-new' })
    expect(await outcome.result).toEqual(result('job-new'))
    expect(reads).toBe(0)
    expect(events.listenerCount('completed:job-new') + events.listenerCount('failed:job-new') + events.listenerCount('duplicated:job-new')).toBe(0)
  })

  it('should answer the add of a job that finished earlier from its stored state', async () => {
    startWorker(async (id) => result(id))
    const first = jobOutcome(queue, events, 'job-kept')
    await queue.add('j', data, { jobId: 'job-kept' })
    await first.result
    // no worker event will come for it again: the duplicate add is the cue to read its state
    const again = jobOutcome(queue, events, 'job-kept')
    const started = Date.now()
    await queue.add('j', data, { jobId: 'job-kept' })
    expect(await again.result).toEqual(result('job-kept'))
    expect(Date.now() - started).toBeLessThan(1_500)
    expect(reads).toBe(1)
  })

  it('should reject with the reason of a failed job', async () => {
    startWorker(async () => { throw new UnrecoverableError('bad media: no video stream') })
    const outcome = jobOutcome(queue, events, 'job-failing')
    await queue.add('j', data, { jobId: 'job-failing' })
    await expect(outcome.result).rejects.toThrow('bad media: no video stream')
  })

  it('should find the outcome by looking when no event ever comes', async () => {
    startWorker(async (id) => result(id))
    // a QueueEvents that hears nothing, as one that missed the job's events
    const deaf = new EventEmitter() as unknown as QueueEvents
    const outcome = jobOutcome(queue, deaf, 'job-silent')
    await queue.add('j', data, { jobId: 'job-silent' })
    expect(await outcome.result).toEqual(result('job-silent'))
    expect(reads).toBeGreaterThanOrEqual(1)
  })

  it('should stop listening and looking once cancelled', async () => {
    const outcome = jobOutcome(queue, events, 'job-cancelled')
    let settled = false
    outcome.result.then(() => { settled = true }, () => { settled = true })
    outcome.cancel()
    expect(events.listenerCount('completed:job-cancelled')).toBe(0)
    startWorker(async (id) => result(id))
    await queue.add('j', data, { jobId: 'job-cancelled' })
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    expect(settled).toBe(false)
    expect(reads).toBe(0)
  })
})

import type { EventEmitter } from 'node:events'
import type { Queue, QueueEvents } from 'bullmq'
import type { StepJobData, StepJobResult } from './queue.js'

/** first look at the job's state when no event came for it; doubled up to JOB_OUTCOME_POLL_MAX_MS */
const JOB_OUTCOME_POLL_MS = 2_000
const JOB_OUTCOME_POLL_MAX_MS = 30_000

export interface JobOutcome {
  /** the job's return value, or its failure */
  result: Promise<StepJobResult>
  /** stops listening (the result then never settles) */
  cancel(): void
}

/**
 * BullMQ's report of one job, for a job about to be added: listening starts before the add, so its
 * completion cannot come before the listeners (as `job.waitUntilFinished` must assume, asking Redis
 * whether the job is finished on every call). Only a job that existed already may have finished earlier:
 * the add of an existing id is announced as `duplicated`, and then its state is read. A state read also
 * follows a long silence (an event lost while QueueEvents started or reconnected).
 */
export function jobOutcome (queue: Queue<StepJobData, StepJobResult>, events: QueueEvents, jobId: string): JobOutcome {
  let settle!: { resolve: (r: StepJobResult) => void, reject: (err: Error) => void }
  const result = new Promise<StepJobResult>((resolve, reject) => { settle = { resolve, reject } })
  let done = false
  let timer: NodeJS.Timeout | undefined
  let pollMs = JOB_OUTCOME_POLL_MS
  // QueueEvents also emits `<event>:<job id>`, which its typed listener map cannot name
  const emitter = events as unknown as EventEmitter

  const finish = (outcome: { value: StepJobResult } | { error: Error }): void => {
    if (done) return
    cancel()
    if ('value' in outcome) settle.resolve(outcome.value)
    else settle.reject(outcome.error)
  }
  const onCompleted = ({ returnvalue }: { returnvalue: unknown }): void => { finish({ value: returnvalue as StepJobResult }) }
  const onFailed = ({ failedReason }: { failedReason: string }): void => { finish({ error: new Error(failedReason) }) }
  const check = (): void => {
    readState(queue, jobId).then((state) => { if (state != null) finish(state) }, () => { /* the next look may answer */ })
  }
  const poll = (): void => {
    timer = setTimeout(() => {
      check()
      pollMs = Math.min(pollMs * 2, JOB_OUTCOME_POLL_MAX_MS)
      poll()
    }, pollMs)
    timer.unref()
  }
  const cancel = (): void => {
    done = true
    clearTimeout(timer)
    emitter.off(`completed:${jobId}`, onCompleted)
    emitter.off(`failed:${jobId}`, onFailed)
    emitter.off(`duplicated:${jobId}`, check)
  }

  emitter.on(`completed:${jobId}`, onCompleted)
  emitter.on(`failed:${jobId}`, onFailed)
  emitter.on(`duplicated:${jobId}`, check)
  poll()
  return { result, cancel }
}

/** a finished job's outcome; undefined while it is waiting, running or retrying */
async function readState (queue: Queue<StepJobData, StepJobResult>, jobId: string): Promise<{ value: StepJobResult } | { error: Error } | undefined> {
  const job = await queue.getJob(jobId)
  if (job == null) return undefined
  const state = await job.getState()
  if (state === 'completed') return { value: job.returnvalue }
  if (state === 'failed') return { error: new Error(job.failedReason) }
  return undefined
}

import { KeyedWaiters } from '../util/index.js'
import type { StepJobResult } from './queue.js'

/**
 * Results this process's own step workers produced, by cache id, handed straight to the orchestrator of
 * the same process. BullMQ reports a finished job only after the worker's next round trips (move to
 * finished, the completion event on the events stream, the reader's wake-up): about half a millisecond a
 * step here. The job still finishes in BullMQ as before; failures and retries are still only BullMQ's.
 */
export class LocalResults extends KeyedWaiters<string, StepJobResult> {}

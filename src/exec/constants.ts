/** Defaults of the execution layer (STYLE rule 3) */

/**
 * how long a step record waits for others to share its run-record write: steps that finish within it
 * cost one write together; a run's progress shows up that much later, its end no later (StepRecordWriter)
 */
export const STEP_RECORD_BATCH_MS = 50

/** completed runs read per page by the start check of their outputs and provenance records */
export const LOST_RESULTS_PAGE = 1000
/** content checks the start check runs at once (each a few local file reads) */
export const LOST_RESULTS_CONCURRENCY = 16
/**
 * how long a stopping worker pool lets its running steps finish (and BullMQ close) before it abandons
 * them: their ffmpeg is killed and their jobs go to another worker once their locks lapse, as after a
 * crash. With the wait for the abandoned steps below, a worker process exits within 10 s of SIGTERM
 * whatever Redis does
 */
export const STEP_WORKER_CLOSE_GRACE_MS = 4_000
/** how long an abandoned step gets to kill its ffmpeg and remove its work dir */
export const STEP_ABANDON_WAIT_MS = 3_000

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

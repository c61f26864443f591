import type { RunRecord } from '../state/index.js'
import type { ApiClient } from './client.js'
import { progressBar } from './progress.js'

const FINAL = new Set(['completed', 'failed', 'cancelled'])
const DONE_STEP = new Set(['completed', 'cached'])

interface StreamEvent { event: string, data: unknown }

/** Server-sent events of a response body, frame by frame (comments and heartbeats skipped) */
async function * serverEvents (body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const decoder = new TextDecoder()
  let buffered = ''
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true })
    let end: number
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      let event = 'message'
      const data: string[] = []
      for (const line of frame.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim()
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) as unknown }
    }
  }
}

/** How far a run is, 0..1: finished steps count whole, running ones by the fraction the node reported */
export function runFraction (run: RunRecord, fractions: ReadonlyMap<string, number>): number {
  if (run.steps.length === 0) return FINAL.has(run.status) ? 1 : 0
  let done = 0
  for (const step of run.steps) {
    if (DONE_STEP.has(step.status)) done += 1
    else if (step.status === 'running') done += Math.min(1, Math.max(0, fractions.get(step.id) ?? 0))
  }
  return done / run.steps.length
}

/**
 * Follows a run on its event stream until it is final, drawing a bar from the steps' own progress. The
 * stream starts with the run's record, so a dropped connection is simply opened again.
 */
export async function watchRun (client: ApiClient, id: string, showProgress: boolean): Promise<RunRecord> {
  const bar = progressBar(`run ${id.slice(0, 12)}`, showProgress)
  bar.start(100)
  const fractions = new Map<string, number>()
  let run: RunRecord | undefined
  try {
    while (run == null || !FINAL.has(run.status)) {
      const res = await client.request('GET', `/runs/${id}/events`, { headers: { accept: 'text/event-stream' }, timeoutMs: 2 ** 31 - 1 })
      if (res.body == null) continue
      for await (const { event, data } of serverEvents(res.body)) {
        if (event === 'run') {
          run = data as RunRecord
        } else if (run != null && event === 'render:step:progress') {
          const { stepId, fraction } = data as { stepId: string, fraction: number }
          fractions.set(stepId, fraction)
        } else if (run != null && event === 'render:step:status') {
          const { stepId, status } = data as { stepId: string, status: RunRecord['steps'][number]['status'] }
          run = { ...run, steps: run.steps.map((s) => s.id === stepId ? { ...s, status } : s) }
        }
        if (run != null) bar.update(Math.round(runFraction(run, fractions) * 100))
      }
    }
  } finally {
    bar.stop()
  }
  return run
}

import { PassThrough } from 'node:stream'
import type { Context } from 'koa'
import type { PlanId } from '../../dag/index.js'
import type { ChannelEvent } from '../../exec/index.js'
import { RunNotFoundError } from '../../exec/index.js'
import { SSE_HEARTBEAT_MS } from '../constants.js'
import type { ApiComponents } from '../ports.js'
import { FINAL_RUN_STATUSES } from '../../state/index.js'

function frame (event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

/**
 * Server-sent events of one run: first `run` with the current record, then every RenderEvent of the run
 * (`render:run:status`, `render:step:status`, `render:step:progress`) as it happens; the stream ends
 * after the run reaches a final status.
 */
export async function streamRunEvents (ctx: Context, components: Pick<ApiComponents, 'orchestrator' | 'runs'>,
  id: PlanId): Promise<void> {
  const { orchestrator, runs } = components
  const stream = new PassThrough()
  let closed = false
  const close = (): void => {
    if (closed) return
    closed = true
    unlisten()
    clearInterval(heartbeat)
    stream.end()
  }
  // events heard while the current record is read wait behind it: a client's first frame is always `run`,
  // and applying the waiting events in order after it ends at the latest state
  let waiting: ChannelEvent[] | undefined = []
  const listener = (event: ChannelEvent): void => {
    if (!('runId' in event) || event.runId !== id || closed) return
    if (waiting !== undefined) {
      waiting.push(event)
      return
    }
    stream.write(frame(event.type, event))
    if (event.type === 'render:run:status' && FINAL_RUN_STATUSES.has(event.status)) {
      // send the final record too, so a client needs nothing else
      runs.get(id).then((run) => { if (run != null && !closed) stream.write(frame('run', run)) })
        .catch(() => undefined).finally(close)
    }
  }
  // listen before reading the run, so an event between the two is not lost (one map entry on the
  // process's one subscriber of the event channel, wherever the run's steps are rendered)
  const unlisten = orchestrator.events.on(id, listener)
  const heartbeat = setInterval(() => { if (!closed) stream.write(': keep-alive\n\n') }, SSE_HEARTBEAT_MS)
  heartbeat.unref()
  let run
  try {
    run = await runs.get(id)
  } catch (err) {
    close()
    throw err
  }
  if (run == null) {
    close()
    throw new RunNotFoundError(`run ${id} not found`)
  }
  ctx.req.socket.setTimeout(0)
  ctx.req.socket.setNoDelay(true)
  ctx.res.once('close', close)
  ctx.status = 200
  ctx.set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' })
  ctx.body = stream
  stream.write(frame('run', run))
  if (FINAL_RUN_STATUSES.has(run.status)) {
    close()
    return
  }
  const heard = waiting
  waiting = undefined
  for (const event of heard) listener(event)
}

import type { ServerResponse } from 'node:http'
import type { BufferPool } from '../../store/index.js'
import { firstEvent } from '../../util/index.js'

/** bytes queued on the response (beyond the socket) before the pump waits for 'drain' */
export const CAR_RESPONSE_HIGH_WATER_BYTES = 4 * 1024 * 1024

/**
 * Writes the CAR chunks straight to the response: no Readable in between, up to `highWater` bytes
 * queued so the socket never runs dry between two 1 MiB blocks, and every chunk handed back to
 * `pool` once the socket has taken it (the write callback), so the export reuses the memory.
 * Ends the response at the end; a failure after the headers destroys it (the client sees a cut
 * stream, never a complete-looking one). Resolves when the response is done or gone.
 */
export async function pumpCar (res: ServerResponse, chunks: AsyncIterable<Uint8Array>, pool: BufferPool, highWater = CAR_RESPONSE_HIGH_WATER_BYTES): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (res.destroyed) return
      res.write(chunk, (err) => { if (err == null) pool.give(chunk) })
      if (res.writableLength > highWater) await drained(res)
    }
    if (res.destroyed) return
    await new Promise<void>((resolve) => { res.end(resolve) })
  } catch (err) {
    res.destroy(err as Error)
  }
}

async function drained (res: ServerResponse): Promise<void> {
  if (res.destroyed) return
  await firstEvent(res, ['drain', 'close'])
}

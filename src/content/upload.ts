import { SNIFF_HEAD_BYTES } from './constants.js'
import { PayloadTooLargeError } from './errors.js'

/** What a limited stream saw: its first bytes (for sniffing) and how many bytes went through */
export interface StreamTally {
  head: Uint8Array
  bytes: number
}

/**
 * Passes a stream through, counting bytes and keeping the first ones; fails with PayloadTooLargeError as
 * soon as more than `maxBytes` arrive, so an oversize upload stops at the limit instead of at its end.
 */
export async function * limitStream (source: AsyncIterable<Uint8Array>, maxBytes: number, tally: StreamTally,
  signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    signal?.throwIfAborted()
    tally.bytes += chunk.length
    if (tally.bytes > maxBytes) {
      throw new PayloadTooLargeError(`upload is larger than the limit of ${maxBytes} bytes`)
    }
    if (tally.head.length < SNIFF_HEAD_BYTES) {
      const merged = new Uint8Array(Math.min(SNIFF_HEAD_BYTES, tally.head.length + chunk.length))
      merged.set(tally.head)
      merged.set(chunk.subarray(0, merged.length - tally.head.length), tally.head.length)
      tally.head = merged
    }
    yield chunk
  }
}

/** The first bytes of stored content, for sniffing its type */
export async function readHead (source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let size = 0
  for await (const chunk of source) {
    parts.push(chunk)
    size += chunk.length
    if (size >= SNIFF_HEAD_BYTES) break
  }
  return Buffer.concat(parts).subarray(0, SNIFF_HEAD_BYTES)
}

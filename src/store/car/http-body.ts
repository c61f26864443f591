/** Largest response head (status line + headers) accepted from a peer */
export const MAX_HEAD_BYTES = 64 * 1024
/** Longest chunk-size or trailer line of a chunked body */
const MAX_LINE_BYTES = 4096

export interface ResponseHead {
  status: number
  /** lower-case names; a repeated header keeps its last value */
  headers: Map<string, string>
}

/** Thrown for bytes that are not an HTTP/1.1 response (the caller names the peer) */
export class HttpFramingError extends Error {}

/** The head at the front of `bytes` and the offset where the body starts, or undefined while incomplete */
export function parseHead (bytes: Buffer): { head: ResponseHead, bodyAt: number } | undefined {
  const end = bytes.indexOf('\r\n\r\n', 0, 'latin1')
  if (end < 0) {
    if (bytes.byteLength > MAX_HEAD_BYTES) throw new HttpFramingError(`response head is larger than ${MAX_HEAD_BYTES} bytes`)
    return undefined
  }
  const lines = bytes.toString('latin1', 0, end).split('\r\n')
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(lines[0] ?? '')
  if (status == null) throw new HttpFramingError(`"${(lines[0] ?? '').slice(0, 60)}" is not an HTTP/1.1 status line`)
  const headers = new Map<string, string>()
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':')
    if (colon <= 0) throw new HttpFramingError(`"${line.slice(0, 60)}" is not an HTTP header`)
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  return { head: { status: Number(status[1]), headers }, bodyAt: end + 4 }
}

/**
 * Decodes a response body as it arrives (Content-Length, chunked, or until the connection closes),
 * handing out views of the chunks it is given: no byte of the body is copied.
 */
export class BodyDecoder {
  private readonly mode: 'length' | 'chunked' | 'close'
  private left = 0
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size'
  private line = ''

  constructor (head: ResponseHead) {
    const encoding = head.headers.get('transfer-encoding')?.toLowerCase()
    const length = head.headers.get('content-length')
    if (encoding != null && encoding !== 'identity') {
      if (encoding !== 'chunked') throw new HttpFramingError(`transfer-encoding "${encoding.slice(0, 40)}" is not supported`)
      this.mode = 'chunked'
    } else if (length != null) {
      if (!/^\d{1,15}$/.test(length)) throw new HttpFramingError(`content-length "${length.slice(0, 40)}" is not a number`)
      this.mode = 'length'
      this.left = Number(length)
      if (this.left === 0) this.state = 'done'
    } else {
      this.mode = 'close'
    }
  }

  /** true once the body is complete by its own framing (never, for a body that ends with the connection) */
  get done (): boolean {
    return this.state === 'done'
  }

  /** whether the connection closing now ends the body cleanly */
  get endsAtClose (): boolean {
    return this.mode === 'close' || this.state === 'done'
  }

  /** the body bytes in `chunk`, appended to `out` as views; bytes after the end are ignored */
  push (chunk: Uint8Array, out: Uint8Array[]): void {
    if (this.mode === 'close') {
      if (chunk.byteLength > 0) out.push(chunk)
      return
    }
    let at = 0
    while (at < chunk.byteLength && this.state !== 'done') {
      if (this.state === 'data' || this.mode === 'length') {
        const take = Math.min(this.left, chunk.byteLength - at)
        out.push(chunk.subarray(at, at + take))
        at += take
        this.left -= take
        if (this.left === 0) this.state = this.mode === 'length' ? 'done' : 'data-end'
        continue
      }
      // a line: chunk size, the CRLF after a chunk's data, or a trailer
      const newline = chunk.indexOf(0x0a, at)
      const stop = newline < 0 ? chunk.byteLength : newline
      this.line += Buffer.from(chunk.buffer, chunk.byteOffset + at, stop - at).toString('latin1')
      if (this.line.length > MAX_LINE_BYTES) throw new HttpFramingError('a line of the chunked body is too long')
      at = stop
      if (newline < 0) break
      at++
      const line = this.line.endsWith('\r') ? this.line.slice(0, -1) : this.line
      this.line = ''
      this.endLine(line)
    }
  }

  private endLine (line: string): void {
    if (this.state === 'data-end') {
      if (line !== '') throw new HttpFramingError('a chunk of the body is longer than its size')
      this.state = 'size'
    } else if (this.state === 'size') {
      const hex = (line.split(';')[0] ?? '').trim()
      if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) throw new HttpFramingError(`"${hex.slice(0, 20)}" is not a chunk size`)
      this.left = parseInt(hex, 16)
      this.state = this.left === 0 ? 'trailer' : 'data'
    } else if (this.state === 'trailer' && line === '') {
      this.state = 'done'
    }
  }
}

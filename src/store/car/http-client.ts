import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { CID } from 'multiformats/cid'
import { DEFAULT_CAR_TIMEOUT_MS } from './constants.js'

/** body bytes queued ahead of the importer before the socket is paused */
const BODY_HIGH_WATER_BYTES = 8 * 1024 * 1024
import { CarPeerUnreachableError, CarRemoteError, CarTimeoutError, CarTransferError } from './errors.js'

export interface FetchCarHttpOptions {
  signal?: AbortSignal
  /** ms allowed for the connection and the response head, and ms allowed without any body byte @default 30_000 */
  timeoutMs?: number
}

/** `GET {baseUrl}/ipfs/{root}?format=car` (IPIP-402), as a URL */
export function carUrl (baseUrl: string, root: CID | string): URL {
  const url = new URL(`ipfs/${root.toString()}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
  url.searchParams.set('format', 'car')
  return url
}

/**
 * Asks a peer's HTTP API for the CAR of a DAG and yields the body unverified, chunk by chunk, without
 * copying; pipe it into importCar, which checks every block. A refused connection is
 * CarPeerUnreachableError, a non-200 answer CarRemoteError (with the peer's message), a body that
 * breaks CarTransferError, silence longer than `timeoutMs` CarTimeoutError.
 */
export async function * fetchCarHttp (baseUrl: string, root: CID | string, options: FetchCarHttpOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const rootCid = typeof root === 'string' ? CID.parse(root) : root
  const url = carUrl(baseUrl, rootCid)
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAR_TIMEOUT_MS
  const where = url.origin
  const res = await open(url, timeoutMs, options.signal)
  let received = 0
  try {
    if (res.statusCode !== 200) {
      const text = await readText(res).catch(() => '')
      throw new CarRemoteError(`${where} answered ${String(res.statusCode)} for ${rootCid.toString()}: ${errorMessage(text)}`)
    }
    // the socket timeout keeps running while we read: it fires only when no byte arrives for timeoutMs
    res.socket.setTimeout(timeoutMs, () => { res.destroy(new CarTimeoutError(`${where} sent no CAR bytes for ${timeoutMs} ms after ${received} bytes`)) })
    try {
      for await (const chunk of chunksOf(res)) {
        received += chunk.byteLength
        yield chunk
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if ((err as Error).name === 'CarTimeoutError') throw err
      throw new CarTransferError(`HTTP CAR stream from ${where} broke after ${received} bytes: ${(err as Error).message}`)
    }
    // a connection cut inside the chunked body ends some Node versions' streams without an error
    if (!res.complete) throw new CarTransferError(`HTTP CAR stream from ${where} broke after ${received} bytes: the connection closed before the response ended`)
  } finally {
    res.socket?.setTimeout(0)
    if (!res.complete) res.destroy()
  }
}

async function open (url: URL, timeoutMs: number, signal?: AbortSignal): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest
  return await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/vnd.ipld.car' }, agent: false, ...(signal != null ? { signal } : {}) })
    const timer = setTimeout(() => { req.destroy(new CarTimeoutError(`${url.origin} did not answer the CAR request within ${timeoutMs} ms`)) }, timeoutMs)
    req.once('response', (res) => {
      clearTimeout(timer)
      resolve(res)
    })
    req.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      if (signal?.aborted === true) reject(signal.reason as Error)
      else if (err.name === 'CarTimeoutError') reject(err)
      else reject(new CarPeerUnreachableError(`could not reach ${url.origin} for a CAR: ${err.code ?? err.message}`))
    })
    req.end()
  })
}

/**
 * The body as the socket delivered it. Not `for await (res)`: the stream's async iterator calls
 * `read()`, which joins everything buffered into one new Buffer (a copy of every byte).
 */
async function * chunksOf (res: IncomingMessage): AsyncGenerator<Buffer> {
  const queue: Buffer[] = []
  let queued = 0
  let ended = false
  let failure: Error | undefined
  let wake: (() => void) | undefined
  const notify = (): void => { const w = wake; wake = undefined; w?.() }
  const onData = (chunk: Buffer): void => {
    queue.push(chunk)
    queued += chunk.byteLength
    if (queued >= BODY_HIGH_WATER_BYTES) res.pause()
    notify()
  }
  const onEnd = (): void => { ended = true; notify() }
  const onError = (err: Error): void => { failure = err; notify() }
  // 'close' without 'end' is a connection cut inside the body
  const onClose = (): void => { if (!res.complete && failure == null) failure = new Error(res.errored?.message ?? 'the connection closed before the response ended'); ended = true; notify() }
  res.on('data', onData)
  res.once('end', onEnd)
  res.once('error', onError)
  res.once('close', onClose)
  try {
    for (;;) {
      if (queue.length > 0) {
        const chunk = queue.shift() as Buffer
        queued -= chunk.byteLength
        if (queued < BODY_HIGH_WATER_BYTES && res.isPaused()) res.resume()
        yield chunk
        continue
      }
      if (failure != null) throw failure
      if (ended) return
      await new Promise<void>((resolve) => { wake = resolve })
    }
  } finally {
    res.off('data', onData)
    res.off('end', onEnd)
    res.off('error', onError)
    res.off('close', onClose)
  }
}

async function readText (res: IncomingMessage): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (size < 4096) parts.push(chunk)
    size += chunk.byteLength
  }
  return Buffer.concat(parts).subarray(0, 4096).toString('utf8')
}

/** the `message` of a JSON error body, else the text itself */
function errorMessage (text: string): string {
  try {
    const value = JSON.parse(text) as { message?: unknown }
    if (typeof value.message === 'string') return value.message
  } catch {}
  return text.slice(0, 200)
}

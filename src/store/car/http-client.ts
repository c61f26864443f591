import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
import { CID } from 'multiformats/cid'
import { CLUSTER_TOKEN_HEADER } from '../../mesh/index.js'
import { DEFAULT_CAR_TIMEOUT_MS } from './constants.js'
import { CarPeerUnreachableError, CarRemoteError, CarRequestError, CarTimeoutError, CarTransferError } from './errors.js'
import { BodyDecoder, HttpFramingError, parseHead } from './http-body.js'
import { SocketChunks } from './socket-chunks.js'

export interface FetchCarHttpOptions {
  signal?: AbortSignal
  /** ms allowed for the connection and the response head, and ms allowed without any body byte @default 30_000 */
  timeoutMs?: number
  /** sent as `x-artdag-cluster-token`: proof of membership for a node whose reads are private */
  clusterToken?: string
}

/** what may go into a header value (a token never holds spaces or line breaks) */
const TOKEN_VALUE = /^[\x21-\x7e]{1,512}$/

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
 *
 * HTTP/1.1 is spoken over the socket directly (one request, `Connection: close`): Node's HTTP client
 * copies every body byte out of the socket's buffers into new ones, which cost the bulk path a copy,
 * an allocation and garbage collection per byte. Here the body is views of the socket's own read
 * buffers, which are recycled: a yielded chunk is only valid until the next one is asked for (copy
 * what you keep; importCar does).
 */
export async function * fetchCarHttp (baseUrl: string, root: CID | string, options: FetchCarHttpOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const rootCid = typeof root === 'string' ? CID.parse(root) : root
  const url = carUrl(baseUrl, rootCid)
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAR_TIMEOUT_MS
  const where = url.origin
  if (options.clusterToken != null && !TOKEN_VALUE.test(options.clusterToken)) throw new CarRequestError('the cluster token holds characters that cannot go into an HTTP header')
  const extra = options.clusterToken != null ? `${CLUSTER_TOKEN_HEADER}: ${options.clusterToken}\r\n` : ''
  const chunks = new SocketChunks()
  const socket = await open(url, chunks, timeoutMs, extra, options.signal)
  chunks.attach(socket)
  const onAbort = (): void => { socket.destroy(options.signal?.reason as Error) }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  let received = 0
  try {
    // connection and head within timeoutMs, then at most timeoutMs without a byte
    const headTimer = setTimeout(() => { socket.destroy(new CarTimeoutError(`${where} did not answer the CAR request within ${timeoutMs} ms`)) }, timeoutMs)
    let head: ReturnType<typeof parseHead>
    let start: Buffer = Buffer.alloc(0)
    try {
      while (head == null) {
        const next = await chunks.next()
        if (next == null) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
        // a copy: the chunk's memory is recycled at the next read
        start = Buffer.concat([start, next])
        head = parseHead(start)
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if ((err as Error).name === 'CarTimeoutError') throw err
      if (err instanceof HttpFramingError) throw new CarRemoteError(`${where} did not answer in HTTP/1.1 for ${rootCid.toString()}: ${err.message}`)
      throw new CarPeerUnreachableError(`could not reach ${where} for a CAR: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    } finally {
      clearTimeout(headTimer)
    }
    const { status } = head.head
    let body: BodyDecoder
    try {
      body = new BodyDecoder(head.head)
    } catch (err) {
      throw new CarRemoteError(`${where} answered ${status} for ${rootCid.toString()} with a body it did not frame: ${(err as Error).message}`)
    }
    if (status !== 200) {
      const text = await readText(chunks, body, start.subarray(head.bodyAt)).catch(() => '')
      throw new CarRemoteError(`${where} answered ${status} for ${rootCid.toString()}: ${errorMessage(text)}`)
    }
    socket.setTimeout(timeoutMs, () => { socket.destroy(new CarTimeoutError(`${where} sent no CAR bytes for ${timeoutMs} ms after ${received} bytes`)) })
    const out: Uint8Array[] = []
    try {
      body.push(start.subarray(head.bodyAt), out)
      while (!body.done) {
        for (const piece of out) {
          received += piece.byteLength
          yield piece
        }
        out.length = 0
        const next = await chunks.next()
        if (next == null) {
          if (body.endsAtClose) return
          throw new Error('the connection closed before the response ended')
        }
        body.push(next, out)
      }
      for (const piece of out) {
        received += piece.byteLength
        yield piece
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if ((err as Error).name === 'CarTimeoutError') throw err
      throw new CarTransferError(`HTTP CAR stream from ${where} broke after ${received} bytes: ${(err as Error).message}`)
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    chunks.close()
    socket.destroy()
  }
}

async function open (url: URL, chunks: SocketChunks, timeoutMs: number, extraHeaders: string, signal?: AbortSignal): Promise<Socket> {
  const tls = url.protocol === 'https:'
  const port = Number(url.port !== '' ? url.port : tls ? 443 : 80)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return await new Promise<Socket>((resolve, reject) => {
    const socket = tls ? tlsConnect({ host, port, servername: host }) : netConnect({ host, port, onread: chunks.readOptions() })
    const timer = setTimeout(() => { socket.destroy(new CarTimeoutError(`${url.origin} did not answer the CAR request within ${timeoutMs} ms`)) }, timeoutMs)
    const onAbort = (): void => { socket.destroy(signal?.reason as Error) }
    signal?.addEventListener('abort', onAbort, { once: true })
    const done = (): void => { clearTimeout(timer); signal?.removeEventListener('abort', onAbort) }
    socket.once(tls ? 'secureConnect' : 'connect', () => {
      done()
      socket.off('error', onError)
      const path = `${url.pathname}${url.search}`
      socket.write(`GET ${path} HTTP/1.1\r\nHost: ${url.host}\r\nAccept: application/vnd.ipld.car\r\n${extraHeaders}Connection: close\r\n\r\n`)
      resolve(socket)
    })
    const onError = (err: NodeJS.ErrnoException): void => {
      done()
      if (signal?.aborted === true) reject(signal.reason as Error)
      else if (err.name === 'CarTimeoutError') reject(err)
      else reject(new CarPeerUnreachableError(`could not reach ${url.origin} for a CAR: ${err.code ?? err.message}`))
    }
    socket.once('error', onError)
  })
}

/** up to 4 KiB of an error body */
async function readText (chunks: SocketChunks, body: BodyDecoder, first: Uint8Array): Promise<string> {
  const parts: Uint8Array[] = []
  body.push(first, parts)
  let size = parts.reduce((n, p) => n + p.byteLength, 0)
  while (!body.done && size < 4096) {
    const next = await chunks.next()
    if (next == null) break
    const before = parts.length
    body.push(next, parts)
    // copies: the chunk's memory is recycled at the next read
    for (let i = before; i < parts.length; i++) {
      parts[i] = new Uint8Array(parts[i] as Uint8Array)
      size += (parts[i] as Uint8Array).byteLength
    }
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

import { CID } from 'multiformats/cid'
import { request } from 'undici'
import { CLUSTER_TOKEN_HEADER } from '../../mesh/index.js'
import { DEFAULT_CAR_TIMEOUT_MS } from './constants.js'
import { CarPeerUnreachableError, CarRemoteError, CarRequestError, CarTimeoutError, CarTransferError } from './errors.js'

export interface FetchCarHttpOptions {
  signal?: AbortSignal
  /** ms allowed for the connection and the response head, and ms allowed without any body byte @default 30_000 */
  timeoutMs?: number
  /** sent as `x-artdag-cluster-token`: proof of membership for a node whose reads are private */
  clusterToken?: string
}

/** what may go into a header value (a token never holds spaces or line breaks) */
const TOKEN_VALUE = /^[\x21-\x7e]{1,512}$/
/** most of an error body kept for the message */
const MAX_ERROR_BYTES = 4096

/** `GET {baseUrl}/ipfs/{root}?format=car` (IPIP-402), as a URL */
export function carUrl (baseUrl: string, root: CID | string): URL {
  const url = new URL(`ipfs/${root.toString()}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`)
  url.searchParams.set('format', 'car')
  return url
}

/**
 * Asks a peer's HTTP API for the CAR of a DAG (undici's `request`) and yields the body unverified;
 * pipe it into importCar, which checks every block. A refused connection is CarPeerUnreachableError,
 * a non-200 answer or one that is not HTTP CarRemoteError (with the peer's message), a body that
 * breaks CarTransferError, silence longer than `timeoutMs` CarTimeoutError.
 */
export async function * fetchCarHttp (baseUrl: string, root: CID | string, options: FetchCarHttpOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const rootCid = typeof root === 'string' ? CID.parse(root) : root
  const url = carUrl(baseUrl, rootCid)
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAR_TIMEOUT_MS
  const where = url.origin
  if (options.clusterToken != null && !TOKEN_VALUE.test(options.clusterToken)) throw new CarRequestError('the cluster token holds characters that cannot go into an HTTP header')
  const headers: Record<string, string> = { accept: 'application/vnd.ipld.car' }
  if (options.clusterToken != null) headers[CLUSTER_TOKEN_HEADER] = options.clusterToken
  // the connection and the head within timeoutMs (undici's headersTimeout starts only once connected)
  const head = new AbortController()
  let headLate = false
  const headTimer = setTimeout(() => { headLate = true; head.abort(new Error('no answer in time')) }, timeoutMs)
  const signal = options.signal != null ? AbortSignal.any([options.signal, head.signal]) : head.signal
  let response: Awaited<ReturnType<typeof request>>
  try {
    response = await request(url, { method: 'GET', headers, signal, bodyTimeout: timeoutMs, headersTimeout: timeoutMs })
  } catch (err) {
    options.signal?.throwIfAborted()
    if (headLate) throw new CarTimeoutError(`${where} did not answer the CAR request within ${timeoutMs} ms`)
    const { code, message } = err as NodeJS.ErrnoException
    if (code === 'HPE_INVALID_CONSTANT' || (err as Error).name === 'HTTPParserError') throw new CarRemoteError(`${where} did not answer in HTTP/1.1 for ${rootCid.toString()}: ${message}`)
    throw new CarPeerUnreachableError(`could not reach ${where} for a CAR: ${causeCode(err) ?? message}`)
  } finally {
    clearTimeout(headTimer)
  }
  const { statusCode, body } = response
  let received = 0
  let finished = false
  try {
    if (statusCode !== 200) {
      const text = await readText(body).catch(() => '')
      throw new CarRemoteError(`${where} answered ${statusCode} for ${rootCid.toString()}: ${errorMessage(text)}`)
    }
    try {
      for await (const chunk of body) {
        received += (chunk as Buffer).byteLength
        yield chunk as Buffer
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      if ((err as NodeJS.ErrnoException).code === 'UND_ERR_BODY_TIMEOUT') throw new CarTimeoutError(`${where} sent no CAR bytes for ${timeoutMs} ms after ${received} bytes`)
      throw new CarTransferError(`HTTP CAR stream from ${where} broke after ${received} bytes: ${(err as Error).message}`)
    }
    finished = true
  } finally {
    // a consumer that stops early, or an error: the connection is not reused for a body left unread
    if (!finished) body.destroy()
  }
}

/** the system or TLS error code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT), not undici's own wrapper code */
function causeCode (err: unknown): string | undefined {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException }
  return e.cause?.code ?? (e.code?.startsWith('UND_ERR') === true ? undefined : e.code)
}

/** up to 4 KiB of an error body */
async function readText (body: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of body) {
    parts.push(chunk as Buffer)
    size += (chunk as Buffer).byteLength
    if (size >= MAX_ERROR_BYTES) break
  }
  return Buffer.concat(parts).subarray(0, MAX_ERROR_BYTES).toString('utf8')
}

/** the `message` of a JSON error body, else the text itself */
function errorMessage (text: string): string {
  try {
    const value = JSON.parse(text) as { message?: unknown }
    if (typeof value.message === 'string') return value.message
  } catch {}
  return text.slice(0, 200)
}

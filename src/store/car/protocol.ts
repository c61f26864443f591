import { peerIdFromString } from '@libp2p/peer-id'
import { varint } from 'multiformats'
import { CID } from 'multiformats/cid'
import { CAR_PROTOCOL, DEFAULT_CAR_TIMEOUT_MS, MAX_REQUEST_BYTES, STATUS_ERROR, STATUS_OK } from './constants.js'
import { CarRemoteError, CarRequestError, CarTimeoutError, CarTransferError } from './errors.js'
import { exportCar, type CarBlockSource } from './export.js'
import { concatBytes } from '../../util/index.js'
import type { Logger } from '../../util/index.js'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Uint8ArrayList } from 'uint8arraylist'

export interface CarServerComponents {
  helia: CarBlockSource
  libp2p: Pick<Libp2p, 'handle' | 'unhandle'>
  logger: Logger
}

export interface CarServerInit {
  /** concurrent inbound CAR streams per connection @default 8 */
  maxInboundStreams?: number
}

/** Serves `/artdag/car/1.0.0`: the peer sends a root CID, gets a status byte then the CAR of the DAG */
export interface CarServer {
  start(): Promise<void>
  /** idempotent */
  stop(): Promise<void>
}

export function createCarServer (components: CarServerComponents, init: CarServerInit = {}): CarServer {
  const log = components.logger.child({ component: 'store:car' })
  let started = false
  const active = new Set<Stream>()
  return {
    async start () {
      if (started) return
      await components.libp2p.handle(CAR_PROTOCOL, (stream: Stream, connection: Connection) => {
        active.add(stream)
        serve(components.helia, stream, connection, log)
          .catch((err: Error) => { log.warn({ err: err.message, peer: connection.remotePeer.toString() }, 'car request failed') })
          .finally(() => active.delete(stream))
      }, { maxInboundStreams: init.maxInboundStreams ?? 8 })
      started = true
    },
    async stop () {
      if (!started) return
      started = false
      await components.libp2p.unhandle(CAR_PROTOCOL)
      for (const s of active) s.abort(new Error('CAR server stopped'))
      active.clear()
    }
  }
}

async function serve (helia: CarBlockSource, stream: Stream, connection: Connection, log: Logger): Promise<void> {
  const abort = new AbortController()
  const onClose = (): void => abort.abort(new Error('stream closed'))
  stream.addEventListener('close', onClose, { once: true })
  try {
    let root: CID
    try {
      root = await readRequest(stream)
    } catch (err) {
      await sendAll(stream, [Uint8Array.of(STATUS_ERROR), new TextEncoder().encode((err as Error).message)], abort.signal)
      await stream.close()
      return
    }
    const car = exportCar(helia, root, { signal: abort.signal })
    // the first block is read before the OK byte goes out, so "not here" becomes a clean error answer
    const first = await car.next().catch((err: Error) => err)
    if (first instanceof Error) {
      await sendAll(stream, [Uint8Array.of(STATUS_ERROR), new TextEncoder().encode(first.message)], abort.signal)
      await stream.close()
      return
    }
    await sendAll(stream, [Uint8Array.of(STATUS_OK), ...(first.done === true ? [] : [first.value])], abort.signal)
    for await (const chunk of car) {
      if (!stream.send(chunk)) await stream.onDrain({ signal: abort.signal })
    }
    await stream.close({ signal: abort.signal })
    log.debug({ root: root.toString(), peer: connection.remotePeer.toString() }, 'car served')
  } catch (err) {
    stream.abort(err as Error)
    throw err
  } finally {
    stream.removeEventListener('close', onClose)
  }
}

async function sendAll (stream: Stream, parts: Uint8Array[], signal: AbortSignal): Promise<void> {
  for (const p of parts) {
    if (!stream.send(p)) await stream.onDrain({ signal })
  }
}

/** request: varint(length) + CID bytes; the requester then closes its write side */
async function readRequest (stream: Stream): Promise<CID> {
  const parts: Uint8Array[] = []
  let total = 0
  for await (const chunk of stream) {
    const bytes = toBytes(chunk)
    total += bytes.byteLength
    if (total > MAX_REQUEST_BYTES) throw new CarRequestError(`CAR request is larger than ${MAX_REQUEST_BYTES} bytes`)
    parts.push(bytes)
    const all = concatBytes(parts)
    try {
      const [len, l] = varint.decode(all)
      if (all.byteLength >= l + len) return CID.decode(all.subarray(l, l + len))
    } catch {
      throw new CarRequestError('CAR request is not a valid CID')
    }
  }
  throw new CarRequestError('CAR request ended before a whole CID arrived')
}

export interface FetchCarOptions {
  signal?: AbortSignal
  /** ms allowed for the dial, and ms allowed without any byte from the peer @default 30_000 */
  timeoutMs?: number
}

/**
 * Asks a peer for the CAR of a DAG over `/artdag/car/1.0.0` and yields its bytes unverified; pipe
 * them into importCar, which checks every block. Peer errors become CarRemoteError, a broken or
 * silent stream CarTransferError.
 */
export async function * fetchCar (libp2p: Pick<Libp2p, 'dialProtocol'>, peer: PeerId | string, root: CID | string, options: FetchCarOptions = {}): AsyncGenerator<Uint8Array> {
  options.signal?.throwIfAborted()
  const rootCid = typeof root === 'string' ? CID.parse(root) : root
  const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer
  const timeoutMs = options.timeoutMs ?? DEFAULT_CAR_TIMEOUT_MS
  const dialSignal = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(options.signal != null ? [options.signal] : [])])
  let stream: Stream
  try {
    stream = await libp2p.dialProtocol(peerId, CAR_PROTOCOL, { signal: dialSignal })
  } catch (err) {
    options.signal?.throwIfAborted()
    throw new CarTransferError(`could not open a CAR stream to ${peerId.toString()}: ${(err as Error).message}`)
  }
  stream.inactivityTimeout = timeoutMs
  const onAbort = (): void => stream.abort(new Error('aborted'))
  options.signal?.addEventListener('abort', onAbort, { once: true })
  let finished = false
  try {
    const len = new Uint8Array(varint.encodingLength(rootCid.bytes.byteLength))
    varint.encodeTo(rootCid.bytes.byteLength, len)
    stream.send(len)
    stream.send(rootCid.bytes)
    await stream.close({ signal: options.signal })
    let status: number | undefined
    const errorParts: Uint8Array[] = []
    try {
      for await (const chunk of stream) {
        let bytes = toBytes(chunk)
        if (status == null) {
          status = bytes[0]
          bytes = bytes.subarray(1)
        }
        if (status !== STATUS_OK) {
          errorParts.push(bytes)
          continue
        }
        if (bytes.byteLength > 0) yield bytes
      }
    } catch (err) {
      options.signal?.throwIfAborted()
      // the stream's inactivity timeout: the peer went silent
      if ((err as Error).name === 'TimeoutError') throw new CarTimeoutError(`${peerId.toString()} sent no CAR bytes for ${timeoutMs} ms`)
      throw new CarTransferError(`CAR stream from ${peerId.toString()} broke: ${(err as Error).message}`)
    }
    options.signal?.throwIfAborted()
    if (status == null) throw new CarTransferError(`peer ${peerId.toString()} closed the CAR stream without answering`)
    if (status !== STATUS_OK) {
      const message = new TextDecoder().decode(concatBytes(errorParts))
      throw new CarRemoteError(`peer ${peerId.toString()} could not send ${rootCid.toString()}: ${message}`)
    }
    finished = true
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    if (!finished) stream.abort(new Error('CAR fetch ended early'))
  }
}

function toBytes (chunk: Uint8Array | Uint8ArrayList): Uint8Array {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}


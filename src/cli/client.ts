import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'

/** Exit codes that mean something to scripts: 2 is a bad command line or an input the node (or the recipe check) refused */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3, auth: 4, notFound: 5 } as const

/** The stable `error` of a failure the CLI found itself, by exit code (the node's answers carry their own) */
const EXIT_CODES: Readonly<Record<number, string>> = { 1: 'failed', 2: 'usage', 3: 'unreachable', 4: 'unauthorized', 5: 'not-found' }

/** What a failure says beyond its message: the node's status, its stable code, the problems it listed */
export interface CliErrorInit {
  status?: number
  code?: string
  details?: unknown
}

/** An error answer of the node, a failure to reach it, or a refusal of the CLI itself */
export class CliError extends Error {
  override name = 'CliError'
  readonly status?: number
  /** the stable code scripts can branch on (the node's `error`, else one named after the exit code) */
  readonly code: string
  readonly details?: unknown
  constructor (message: string, readonly exitCode: number, init: CliErrorInit = {}) {
    super(message)
    this.code = init.code ?? EXIT_CODES[exitCode] ?? 'failed'
    if (init.status != null) this.status = init.status
    if (init.details !== undefined) this.details = init.details
  }
}

/** The exit code for an HTTP status of an error answer */
export function exitCodeOf (status: number): number {
  return status === 401 || status === 403 ? EXIT.auth : status === 404 ? EXIT.notFound : status < 500 ? EXIT.usage : EXIT.failed
}

export interface ClientInit {
  server: string
  token?: string
  /** per request @default 60_000 */
  timeoutMs?: number
}

/** A small HTTP client of the node's API, used by every CLI command that talks to a server */
export class ApiClient {
  constructor (private readonly init: ClientInit) {}

  get server (): string { return this.init.server.replace(/\/+$/, '') }

  async request (method: string, path: string, options: { body?: unknown, raw?: RequestInit['body'], headers?: Record<string, string>, timeoutMs?: number, signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    if (this.init.token != null) headers.authorization = `Bearer ${this.init.token}`
    let body: RequestInit['body'] | undefined = options.raw
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    const signals = [AbortSignal.timeout(options.timeoutMs ?? this.init.timeoutMs ?? 60_000)]
    if (options.signal != null) signals.push(options.signal)
    let res: Response
    try {
      res = await fetch(`${this.server}${path}`, { method, headers, body, signal: AbortSignal.any(signals), duplex: 'half' } as RequestInit)
    } catch (err) {
      const cause = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)
      throw new CliError(`cannot reach ${this.server}: ${cause}`, EXIT.unreachable)
    }
    if (!res.ok) await this.fail(res)
    return res
  }

  async json<T> (method: string, path: string, body?: unknown, timeoutMs?: number): Promise<T> {
    const res = await this.request(method, path, { body, timeoutMs })
    if (res.status === 204) return undefined as T
    return await res.json() as T
  }

  /** streams a local file as multipart/form-data; onBytes reports progress */
  async upload (path: string, onBytes?: (sent: number, total: number) => void): Promise<{ cid: string, size: number, mediaType?: string }> {
    const info = await stat(path).catch(() => undefined)
    if (info == null || !info.isFile()) throw new CliError(`${path}: no such file`, EXIT.usage)
    const boundary = `----artdag${Date.now().toString(16)}`
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${basename(path).replace(/"/g, '')}"\r\nContent-Type: application/octet-stream\r\n\r\n`)
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
    let sent = 0
    async function * parts (): AsyncGenerator<Uint8Array> {
      yield head
      for await (const chunk of createReadStream(path)) {
        sent += (chunk as Buffer).length
        onBytes?.(sent, info?.size ?? 0)
        yield chunk as Buffer
      }
      yield tail
    }
    const res = await this.request('POST', '/cache/upload', {
      raw: Readable.toWeb(Readable.from(parts())) as ReadableStream,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + info.size + tail.length) },
      timeoutMs: 3_600_000
    })
    return await res.json() as { cid: string, size: number, mediaType?: string }
  }

  private async fail (res: Response): Promise<never> {
    let payload: { error?: string, message?: string, details?: unknown } = {}
    try { payload = await res.json() as typeof payload } catch {}
    const message = payload.message ?? `${res.status} ${res.statusText}`
    throw new CliError(message, exitCodeOf(res.status), {
      status: res.status,
      ...(typeof payload.error === 'string' ? { code: payload.error } : {}),
      ...(payload.details !== undefined ? { details: payload.details } : {})
    })
  }
}

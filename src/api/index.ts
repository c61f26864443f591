import type { Server } from 'node:http'
import type Koa from 'koa'
import type { Middleware } from 'koa'
import { buildApi } from './app.js'
import type { ApiMetrics } from './metrics.js'
import type { ApiComponents } from './ports.js'

export * from './errors.js'
export type * from './ports.js'
export type { ApiMetrics } from './metrics.js'
export { describeError, type ErrorBody } from '../util/index.js'
export { openApiSpec } from './docs/openapi.js'

export interface ApiInit {
  /** trust X-Forwarded-* (behind a reverse proxy) @default false */
  proxy?: boolean
  /** middleware mounted after auth and before the API's routes: the web UI's pages that share paths with the API (`/runs` for browsers) */
  beforeRoutes?: Middleware[]
  /** middleware mounted after the API's routes, before the JSON 404 */
  extraMiddleware?: Middleware[]
}

export interface ListenOptions {
  /** 0 picks a free port */
  port: number
  /** @default '127.0.0.1' */
  host?: string
}

/** The HTTP API of a node: a Koa app plus its server's lifecycle */
export interface Api {
  readonly app: Koa
  readonly metrics: ApiMetrics
  /** a node:http request handler */
  callback(): ReturnType<Koa['callback']>
  /** starts listening; resolves with the bound port and base URL */
  listen(options: ListenOptions): Promise<{ server: Server, port: number, url: string }>
  /** stops listening, closes open connections (SSE included) and detaches from the orchestrator; idempotent */
  stop(): Promise<void>
}

export function createApi (components: ApiComponents, init: ApiInit = {}): Api {
  return buildApi(components, init)
}
export { createNodeApi, createNodeLibrary, type NodeApi, type NodeApiInit, type NodeApiParts, type NodeLibrary } from './node-api.js'

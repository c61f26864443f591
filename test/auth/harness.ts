import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Koa from 'koa'
import type { Redis } from 'ioredis'
import {
  AuthError, createAuth, createL2Client, currentUser, type Auth, type TokenStorePort
} from '../../src/auth/index.js'
import { createTokenStore } from '../../src/state/index.js'
import { createRedisKeys, type RedisKeys } from '../../src/state/keys.js'
import { silentLogger } from '../../src/util/logger.js'
import { startL2Server, type L2Fixture } from '../fixtures/l2-server.js'
import { testPrefix, testRedis } from '../fixtures/redis.js'

export interface TestApp {
  url: string
  /** fetch against the app without following redirects */
  get(path: string, headers?: Record<string, string>): Promise<Response>
  post(path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>
  stop(): Promise<void>
}

/** A Koa app the way src/api mounts auth: error mapping, auth middleware, auth routes, two probes */
export async function startApp (auth: Auth): Promise<TestApp> {
  const app = new Koa()
  app.use(async (ctx, next) => {
    try {
      await next()
    } catch (err) {
      if (!(err instanceof AuthError)) throw err
      ctx.status = err.status
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value)
      ctx.body = { error: err.code, message: err.message }
    }
  })
  app.use(auth.middleware())
  const router = auth.router()
  router.get('/whoami', auth.requireUser, (ctx) => { ctx.body = currentUser(ctx) })
  router.get('/runs', auth.requireRead, (ctx) => { ctx.body = { runs: [], user: currentUser(ctx)?.name ?? null } })
  router.get('/', (ctx) => { ctx.body = { home: true, user: currentUser(ctx)?.name ?? null } })
  app.use(router.routes())
  app.use(router.allowedMethods())
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => { resolve(s) })
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    get: async (path, headers = {}) => await fetch(url + path, { headers, redirect: 'manual' }),
    post: async (path, body, headers = {}) => await fetch(url + path, {
      method: 'POST',
      redirect: 'manual',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body)
    }),
    async stop () {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` })
export const cookie = (token: string, name = 'artdag_session'): Record<string, string> => ({ cookie: `${name}=${token}` })

/** the session id a login answer set in the cookie */
export function sessionOf (res: Response): string {
  const match = /^artdag_session=([^;]*);/.exec(res.headers.getSetCookie()[0] ?? '')
  if (match?.[1] == null || match[1] === '') throw new Error(`no session cookie in ${JSON.stringify(res.headers.getSetCookie())}`)
  return match[1]
}

export async function json (res: Response): Promise<Record<string, unknown>> {
  return await res.json() as Record<string, unknown>
}

export interface L2NodeInit {
  /** @default 'http://l1.test:8100' */
  publicUrl?: string
  /** @default true */
  publicReads?: boolean
  /** @default 1000 */
  timeoutMs?: number
}

export interface L2Node {
  l2: L2Fixture
  app: TestApp
  auth: Auth
  tokens: TokenStorePort
  redis: Redis
  keys: RedisKeys
  publicUrl: string
  /** a token of `username` scoped to this node */
  tokenFor(username: string, expiresInS?: number): string
  stop(): Promise<void>
}

/** A node in l2 mode against a fresh test L2, with its own Redis key prefix */
export async function startL2Node (init: L2NodeInit = {}): Promise<L2Node> {
  const publicUrl = init.publicUrl ?? 'http://l1.test:8100'
  const redis = testRedis()
  const keys = createRedisKeys(testPrefix())
  const tokens = createTokenStore({ redis, keys })
  const l2 = await startL2Server()
  const logger = silentLogger()
  const client = createL2Client({ l2Server: l2.url, logger, timeoutMs: init.timeoutMs ?? 1_000 })
  const auth = createAuth({
    mode: 'l2', publicUrl, l2Domain: 'l2.test', publicReads: init.publicReads ?? true, tokens, l2: client, logger
  })
  const app = await startApp(auth)
  return {
    l2, app, auth, tokens, redis, keys, publicUrl,
    tokenFor: (username, expiresInS) => l2.issueToken({ username, l1Server: publicUrl, expiresInS }),
    async stop () {
      await app.stop()
      await l2.stop()
      const found = await redis.keys(`${keys.prefix}*`)
      if (found.length > 0) await redis.del(...found)
      redis.disconnect()
    }
  }
}

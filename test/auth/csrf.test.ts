import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Router from '@koa/router'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webRouter } from '../../src/web/router.js'
import type { WebDeps } from '../../src/web/pages/context.js'
import type { StaticFiles } from '../../src/web/static.js'
import { configPath } from '../../src/util/paths.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])
const FOREIGN = 'http://evil.example'

interface Route { method: string, path: string }

/** every write route of a router: its layers' paths with each method but GET/HEAD/OPTIONS */
function writeRoutes (router: Router): Route[] {
  return router.stack.flatMap((layer) => layer.methods.filter((m) => !SAFE.has(m)).map((method) => ({
    method,
    path: String(layer.path).replace(/:id\b/g, '0'.repeat(64)).replace(/:cid\b/g, 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy')
  })))
}

describe('the CSRF rule on every write route (local auth, browser session)', () => {
  let n: TestNode
  let importDir: string
  let routes: Route[]
  let session: string
  let csrf: string
  let otherPort: string
  const headers = (extra: Record<string, string>): Record<string, string> => ({ cookie: `artdag_session=${session}`, ...extra })

  beforeAll(async () => {
    importDir = await mkdtemp(join(tmpdir(), 'artdag-csrf-import-'))
    await writeFile(join(importDir, 'a.txt'), 'imported bytes')
    n = await startTestNode({ authMode: 'local', importDirs: [importDir] })
    // the API's routers as the app mounts them (auth's and the resources'), plus the pages' router
    const mounted = n.api.app.middleware.flatMap((m) => (m as { router?: Router }).router ?? [])
    const pages = webRouter({} as WebDeps, {} as StaticFiles, async () => await Promise.reject(new Error('unused')))
    routes = [...mounted, pages].flatMap(writeRoutes)
    const login = await fetch(`${n.url}/auth?token=${n.adminToken ?? ''}`, { redirect: 'manual' })
    session = /^artdag_session=([^;]+);/.exec(login.headers.getSetCookie()[0] ?? '')?.[1] ?? ''
    const home = await (await fetch(`${n.url}/`, { headers: headers({ accept: 'text/html' }) })).text()
    csrf = /<meta name="csrf-token" content="([^"]+)">/.exec(home)?.[1] ?? ''
    otherPort = `http://127.0.0.1:${Number(new URL(n.url).port) === 65535 ? 65534 : Number(new URL(n.url).port) + 1}`
  }, 60_000)
  afterAll(async () => {
    await n?.stop()
    await rm(importDir, { recursive: true, force: true })
  })

  it('should find the write routes of every router, the issue\'s ones among them', () => {
    const names = routes.map((r) => `${r.method} ${r.path.replace(/0{64}|bafk\w+/g, '*')}`)
    for (const route of ['POST /runs', 'POST /cache/import', 'POST /configs/upload', 'POST /cache/upload', 'DELETE /cache/*',
      'POST /auth/revoke', 'POST /auth/revoke-user', 'POST /logout', 'POST /recipes', 'POST /media', 'POST /run/*/cancel']) {
      expect(names).toContain(route)
    }
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('should document every route of the auth router in /openapi.json', async () => {
    const spec = await (await fetch(`${n.url}/openapi.json`)).json() as { paths: Record<string, Record<string, unknown>> }
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    const auth = n.api.app.middleware.flatMap((m) => (m as { router?: Router }).router ?? [])
      .find((r) => r.stack.some((layer) => layer.path === '/auth/revoke'))
    const routes = (auth?.stack ?? []).flatMap((layer) => layer.methods.filter((m) => m !== 'HEAD').map((m) => `${m} ${String(layer.path)}`))
    expect(routes.sort()).toEqual(['GET /auth', 'GET /auth/whoami', 'POST /auth/revoke', 'POST /auth/revoke-user', 'POST /logout'])
    expect(documented).toEqual(expect.arrayContaining(routes))
  })

  it('should refuse the session cookie from a foreign origin on every write route, even with the right token', async () => {
    for (const { method, path } of routes) {
      const res = await fetch(n.url + path, {
        method, redirect: 'manual', body: 'name: x', headers: headers({ origin: FOREIGN, 'x-csrf-token': csrf, 'content-type': 'text/plain' })
      })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(await res.json(), `${method} ${path}`).toEqual({
        error: 'csrf-rejected', message: `CSRF check failed: the request came from ${FOREIGN}, not from this node`
      })
    }
  })

  it('should refuse the session cookie from another port of the same host, and without the token from its own origin', async () => {
    for (const { method, path } of routes) {
      const form = new FormData()
      form.append('_csrf', 'A'.repeat(43))
      form.append('file', new Blob(['x']), 'x.txt')
      const sameSite = await fetch(n.url + path, { method, redirect: 'manual', body: form, headers: headers({ origin: otherPort, 'sec-fetch-site': 'same-site' }) })
      expect(sameSite.status, `${method} ${path}`).toBe(403)
      expect((await sameSite.json() as { message: string }).message).toBe(`CSRF check failed: the request came from ${otherPort}, not from this node`)

      if (path === '/auth/revoke-user') {
        // L2's logout callback never takes the cookie: it needs a Bearer or body token of the user
        const callback = await fetch(n.url + path, { method, body: '{"username":"admin"}', headers: headers({ origin: n.url, 'content-type': 'application/json' }) })
        expect(await callback.json()).toEqual({ error: 'unauthorized', message: 'revoke-user requires a token of that user (Authorization: Bearer, or body field token)' })
        continue
      }
      const noToken = await fetch(n.url + path, { method, redirect: 'manual', body: 'x', headers: headers({ origin: n.url, 'content-type': 'text/plain' }) })
      const answer = await noToken.json() as { error: string, message: string }
      expect(noToken.status, `${method} ${path}`).toBe(403)
      expect(answer.message).toBe('CSRF check failed: a write with the session cookie needs the session\'s CSRF token (header X-CSRF-Token, or the first form field _csrf); reload the page and try again')
    }
  })

  it('should refuse a wrong token, and a form whose first field is not the token', async () => {
    const wrong = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: 'x', headers: headers({ 'x-csrf-token': 'B'.repeat(43), 'content-type': 'text/yaml' }) })
    expect(await wrong.json()).toEqual({ error: 'csrf-rejected', message: 'CSRF check failed: the CSRF token does not match this session; reload the page and try again' })
    const form = new FormData()
    form.append('file', new Blob(['late token']), 'x.txt')
    form.append('_csrf', csrf)
    const late = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form, headers: headers({ origin: n.url }) })
    expect(late.status).toBe(403)
    const fetchSite = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: 'x', headers: headers({ 'sec-fetch-site': 'cross-site', 'x-csrf-token': csrf }) })
    expect(await fetchSite.json()).toEqual({ error: 'csrf-rejected', message: 'CSRF check failed: the browser says this request is cross-site, not same-origin' })
    expect((await n.node.state.content.list({ offset: 0, limit: 10 })).items.map((i) => i.name)).not.toContain('x.txt')
  })

  it('should accept the session cookie with the right token from its own origin, by header and by form field', async () => {
    const own = headers({ origin: n.url, 'x-csrf-token': csrf })
    const yaml = await readFile(configPath('recipes', 'dog.yaml'))
    const recipe = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: yaml, headers: { ...own, 'content-type': 'text/yaml' } })
    expect(recipe.status).toBeLessThan(300)
    const form = new FormData()
    form.append('file', new Blob(['session upload']), 'session.txt')
    const upload = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form, headers: own })
    expect(upload.status).toBe(201)
    const imported = await fetch(`${n.url}/cache/import?path=${encodeURIComponent(join(importDir, 'a.txt'))}`, { method: 'POST', headers: own })
    expect(imported.status).toBe(201)
    const run = await fetch(`${n.url}/runs`, { method: 'POST', body: JSON.stringify({ recipe: 'dog', inputs: ['cat'] }), headers: { ...own, 'content-type': 'application/json' } })
    expect(run.status).toBeLessThan(300)
    // the pages' forms: the token as the first field (no header), url-encoded and multipart
    const page = await fetch(`${n.url}/recipes`, {
      method: 'POST', redirect: 'manual', headers: headers({ origin: n.url, accept: 'text/html' }),
      body: new URLSearchParams({ _csrf: csrf, yaml: yaml.toString('utf8').replace('name: dog', 'name: dog-by-form') })
    })
    expect(page.status, await page.text()).toBe(303)
    const media = new FormData()
    media.append('_csrf', csrf)
    media.append('file', new Blob(['form upload']), 'form.txt')
    const mediaPost = await fetch(`${n.url}/media`, { method: 'POST', redirect: 'manual', body: media, headers: headers({ origin: n.url, accept: 'text/html' }) })
    expect(mediaPost.status).toBe(303)
    const names = (await n.node.state.content.list({ offset: 0, limit: 20 })).items.map((i) => i.name)
    expect(names).toEqual(expect.arrayContaining(['session.txt', 'a.txt', 'form.txt']))
  })

  it('should leave requests with a Bearer token alone: no token needed, whatever the Origin', async () => {
    const bearer = { authorization: `Bearer ${n.adminToken ?? ''}` }
    const recipe = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: 'name: bearer\ndag: {nodes: [], output: x}\n', headers: { ...bearer, origin: FOREIGN, 'content-type': 'text/plain' } })
    expect(recipe.status).toBe(400)
    expect((await recipe.json() as { error: string }).error).not.toBe('csrf-rejected')
    const form = new FormData()
    form.append('file', new Blob(['bearer upload']), 'bearer.txt')
    const upload = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form, headers: { ...bearer, cookie: `artdag_session=${session}` } })
    expect(upload.status).toBe(201)
  })
})

import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { noticeOf, PageClient, problemsOf } from './helpers.js'

async function contentTotal (n: WebNode): Promise<number> {
  return (await n.node.state.content.list({ offset: 0, limit: 1 })).total
}

describe('web pages', () => {
  let n: WebNode
  let dogId: string
  beforeAll(async () => {
    n = await startWebNode()
    const res = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: await readFile(configPath('recipes', 'dog.yaml')), headers: { 'content-type': 'text/yaml' } })
    dogId = (await res.json() as { id: string }).id
  })
  afterAll(async () => { await n?.stop() })

  it('should answer GET / and GET /runs with HTML for browsers and leave JSON to the API', async () => {
    const c = new PageClient(n.url)
    const home = await c.get('/')
    expect(home.res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(home.res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(home.text).toContain(n.node.mesh.peerId)
    for (const accept of ['application/json', '*/*']) {
      const json = await c.get('/', accept)
      expect(json.res.headers.get('content-type')).toMatch(/^application\/json/)
      expect((JSON.parse(json.text) as { peerId?: string, peer_id?: string }).peerId ?? JSON.parse(json.text).peer_id).toBe(n.node.mesh.peerId)
      const runs = await c.get('/runs', accept)
      expect(JSON.parse(runs.text)).toMatchObject({ items: [], total: 0 })
    }
    const runs = await c.get('/runs?status=failed')
    expect(runs.res.status).toBe(200)
    expect(runs.text).toContain('<title>Runs: failed · Art DAG L1</title>')
  })

  it('should serve the stylesheet and script with ETags', async () => {
    const c = new PageClient(n.url)
    const css = await c.get('/static/app.css', 'text/css')
    expect(css.res.status).toBe(200)
    expect(css.res.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(css.text).toContain('prefers-color-scheme: dark')
    const again = await fetch(`${n.url}/static/app.css`, { headers: { 'if-none-match': css.res.headers.get('etag') ?? '' } })
    expect(again.status).toBe(304)
    const js = await c.get('/static/app.js', '*/*')
    expect(js.res.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const missing = await c.get('/static/..%2Fpackage.json')
    expect(missing.res.status).toBe(404)
    expect(noticeOf(missing.text)).toBe('There is no static file &quot;../package.json&quot;.')
  })

  it('should show not-found pages with the reason', async () => {
    const c = new PageClient(n.url)
    const zeros = '0'.repeat(64)
    const cases: Array<[string, string]> = [
      [`/run/${zeros}`, `There is no run ${zeros} on this node.`],
      ['/run/abc', '&quot;abc&quot; is not a run id (64 hex characters).'],
      ['/recipe/nope', 'There is no recipe or effect &quot;nope&quot; on this node.'],
      ['/runs?status=bogus', 'There is no run status &quot;bogus&quot;; statuses are pending, running, completed, failed, cancelled.']
    ]
    for (const [path, message] of cases) {
      const page = await c.get(path)
      expect(page.res.status, path).toBe(404)
      expect(noticeOf(page.text)).toBe(message)
      expect(page.text).not.toMatch(/at .*\.ts:\d+/)
    }
  })

  it('should list the problems of an uploaded recipe and store a valid one', async () => {
    const c = new PageClient(n.url)
    const token = await c.csrf('/recipes')
    const post = async (yaml: string) => await c.post('/recipes', new URLSearchParams({ _csrf: token, yaml }))
    let answer = await post('  ')
    expect(answer.res.status).toBe(400)
    expect(noticeOf(answer.text)).toBe('Choose a YAML file or paste a recipe.')
    answer = await post('name: broken\ndag:\n  nodes:\n    - id: a\n      type: NOPE\n  output: zz\n')
    expect(answer.res.status).toBe(400)
    expect(noticeOf(answer.text)).toBe('The recipe has problems:')
    expect(problemsOf(answer.text).length).toBeGreaterThanOrEqual(2)
    expect(problemsOf(answer.text).some((p) => p.startsWith('dag.nodes[0].type: '))).toBe(true)
    expect(answer.text).toContain('      type: NOPE\n  output: zz\n</textarea>')
    const form = new FormData()
    form.append('_csrf', token)
    form.append('file', new Blob([await readFile(configPath('recipes', 'invert.yaml'))]), 'invert.yaml')
    answer = await c.post('/recipes', form)
    expect(noticeOf(answer.text)).toBeUndefined()
    expect(answer.res.status).toBe(303)
    expect(answer.res.headers.get('location')).toMatch(/^\/recipe\/[0-9a-f]{64}$/)
    const page = await c.get(answer.res.headers.get('location') ?? '')
    expect(page.res.status).toBe(200)
    expect(page.text).toContain('<svg class="dag"')
  })

  it('should explain missing or unknown run inputs and start a run from an uploaded file', async () => {
    const c = new PageClient(n.url)
    const token = await c.csrf(`/recipe/${dogId}`)
    const form = (fields: Record<string, string>, file?: Buffer): FormData => {
      const f = new FormData()
      f.append('_csrf', token)
      for (const [k, v] of Object.entries(fields)) f.append(k, v)
      if (file != null) f.append('input.input.file', new Blob([file], { type: 'image/png' }), 'cat.png')
      return f
    }
    let answer = await c.post(`/recipe/${dogId}/run`, form({ 'input.input.pick': '', 'input.input.cid': '' }))
    expect(answer.res.status).toBe(400)
    expect(noticeOf(answer.text)).toBe('Some inputs are missing:')
    expect(problemsOf(answer.text)).toEqual(['input &quot;input&quot;: choose an asset or media item, paste a CID, or upload a file'])
    answer = await c.post(`/recipe/${dogId}/run`, form({ 'input.input.cid': 'notacid' }))
    expect(answer.res.status).toBe(400)
    expect(noticeOf(answer.text)).toBe('inputs.input: &quot;notacid&quot; is neither a CID nor a known asset name')
    answer = await c.post(`/recipe/${dogId}/run`, form({ output_name: 'from the form' }, await readFile(configPath('assets', 'cat.png'))))
    expect(answer.res.status).toBe(303)
    const id = /^\/run\/([0-9a-f]{64})$/.exec(answer.res.headers.get('location') ?? '')?.[1] as string
    const run = await n.node.state.runs.get(id as never)
    expect(run).toMatchObject({ recipeName: 'dog-recipe', outputName: 'from the form', inputs: [{ name: 'input', cid: 'bafkreiaw7xbswt43j3ks3blwhpciq4nni6el6ghunh4b4vwjrouthh6cjq' }] })
    await n.node.orchestrator.waitFor(run?.id as never, { signal: AbortSignal.timeout(60_000) })
  })

  it('should refuse to discard a run in progress, cancel it, then discard it', async () => {
    const c = new PageClient(n.url)
    await n.node.workers.stop()
    try {
      const { run } = await n.node.runService.submit({ recipe: 'invert', inputs: ['cat-clip'] })
      const token = await c.csrf(`/run/${run.id}`)
      let answer = await c.post(`/run/${run.id}/delete`, new URLSearchParams({ _csrf: token }))
      expect(answer.res.status).toBe(409)
      expect(noticeOf(answer.text)).toMatch(/^The node refused: /)
      answer = await c.post(`/run/${run.id}/cancel`, new URLSearchParams({ _csrf: token }))
      expect(answer.res.status).toBe(303)
      expect((await n.node.state.runs.get(run.id))?.status).toBe('cancelled')
      answer = await c.post(`/run/${run.id}/delete`, new URLSearchParams({ _csrf: token }))
      expect(answer.res.status).toBe(303)
      expect(answer.res.headers.get('location')).toBe('/runs?deleted=1')
      expect(await n.node.state.runs.get(run.id)).toBeUndefined()
    } finally {
      await n.node.workers.start()
    }
  })

  it('should refuse a form that is neither multipart nor url-encoded', async () => {
    const c = new PageClient(n.url)
    const token = await c.csrf('/media')
    const res = await fetch(`${n.url}/media`, {
      method: 'POST', body: JSON.stringify({ _csrf: token }), redirect: 'manual',
      headers: { 'content-type': 'application/json', cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '), origin: n.url }
    })
    expect(res.status).toBe(400)
    expect(noticeOf(await res.text())).toBe('the form must be sent as multipart/form-data or application/x-www-form-urlencoded, not &quot;application/json&quot;')
  })
})

describe('web pages with local auth', () => {
  let n: WebNode
  beforeAll(async () => { n = await startWebNode({ authMode: 'local', publicReads: false, maxUploadBytes: 1000 }) })
  afterAll(async () => { await n?.stop() })

  it('should ask anonymous visitors to log in, for private reads and for writes', async () => {
    const c = new PageClient(n.url)
    const page = await c.get('/runs')
    expect(page.res.status).toBe(401)
    expect(noticeOf(page.text)).toBe('This node does not show its content to anonymous visitors: log in first.')
    expect(page.text).toContain('<a class="button small" href="/login">Log in</a>')
    const login = await c.get('/login')
    expect(login.text).toContain('<form class="card narrow" method="get" action="/auth">')
    const post = await c.post('/media', new URLSearchParams({ _csrf: 'x' }))
    expect(post.res.status).toBe(401)
    expect(noticeOf(post.text)).toBe('You need to log in to do this.')
  })

  it('should reject forms of a session without its CSRF token or from another origin, storing nothing', async () => {
    const c = new PageClient(n.url)
    await c.login(n.adminToken ?? '')
    const before = await contentTotal(n)
    const file = (): FormData => {
      const form = new FormData()
      form.append('_csrf', token)
      form.append('file', new Blob([Buffer.from('csrf test bytes')]), 'x.txt')
      return form
    }
    const rejected = async (answer: { res: Response, text: string }, message: string): Promise<void> => {
      expect(answer.res.status).toBe(403)
      expect(JSON.parse(answer.text)).toEqual({ error: 'csrf-rejected', message: `CSRF check failed: ${message}` })
    }
    let token = 'A'.repeat(43)
    await rejected(await c.post('/media', file()), 'the CSRF token does not match this session; reload the page and try again')
    token = await c.csrf('/media')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await rejected(await c.post('/media/bafkreiaw7xbswt43j3ks3blwhpciq4nni6el6ghunh4b4vwjrouthh6cjq/delete', new URLSearchParams({})),
      'a write with the session cookie needs the session\'s CSRF token (header X-CSRF-Token, or the first form field _csrf); reload the page and try again')
    await rejected(await c.post('/media', file(), { origin: 'http://evil.example' }), 'the request came from http://evil.example, not from this node')
    await rejected(await c.post('/media', file(), { origin: '', referer: 'http://evil.example/page' }), 'the request came from http://evil.example, not from this node')
    expect(await contentTotal(n)).toBe(before)
    const answer = await c.post('/media', file())
    expect(answer.res.status).toBe(303)
    expect(answer.res.headers.get('location')).toMatch(/^\/media\?uploaded=bafkrei[a-z2-7]+$/)
    expect(await contentTotal(n)).toBe(before + 1)
    // logging out is a form too; afterwards the session is gone
    const out = await c.post('/logout', new URLSearchParams({ _csrf: token }))
    expect(out.res.status).toBe(302)
    expect((await c.get('/media')).res.status).toBe(401)
  })

  it('should show the user and refuse a file larger than the node accepts, storing nothing', async () => {
    const c = new PageClient(n.url, n.authHeaders)
    const page = await c.get('/media')
    expect(page.text).toContain('<span class="user">admin</span>')
    const before = (await n.node.state.content.list({ offset: 0, limit: 1 })).total
    const form = new FormData()
    form.append('_csrf', await c.csrf('/media'))
    form.append('file', new Blob([Buffer.alloc(5000, 7)]), 'big.bin')
    const answer = await c.post('/media', form)
    expect(answer.res.status).toBe(413)
    expect(noticeOf(answer.text)).toBe('file &quot;big.bin&quot; is larger than the 1000 bytes this node accepts')
    expect((await n.node.state.content.list({ offset: 0, limit: 1 })).total).toBe(before)
  })
})

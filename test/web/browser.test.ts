import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Cid } from '../../src/dag/ids.js'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'

const SHOTS = join(process.cwd(), 'test-results', 'screenshots')
const HOSTILE = '<script>alert(1)</script>'
/** upload names lose everything up to a slash, so this one has none */
const HOSTILE_IMG = '<img src=x onerror=alert(1)>'
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run']

async function shot (page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true })
}

async function uploadRecipe (n: WebNode, yaml: string): Promise<string> {
  const res = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml', ...n.authHeaders } })
  expect(res.status).toBeLessThan(300)
  return (await res.json() as { id: string }).id
}

describe('web UI in a browser', () => {
  let n: WebNode
  let context: BrowserContext
  let profile: string
  let dogId: string
  const alerts: string[] = []

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    n = await startWebNode()
    dogId = await uploadRecipe(n, await readFile(configPath('recipes', 'dog.yaml'), 'utf8'))
    profile = await mkdtemp(join(tmpdir(), 'artdag-chromium-'))
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport: { width: 1200, height: 800 } })
    context.on('page', (page) => {
      page.on('dialog', (dialog) => {
        if (dialog.type() === 'confirm') {
          dialog.accept().catch(() => undefined)
          return
        }
        alerts.push(dialog.message())
        dialog.dismiss().catch(() => undefined)
      })
    })
  })
  afterAll(async () => {
    await context?.close()
    await n?.stop()
    if (profile != null) await rm(profile, { recursive: true, force: true })
  })

  it('should upload an image on /media, run dog on it from the recipe page and follow it live to the output', async () => {
    const page = await context.newPage()
    await page.goto(`${n.url}/media`)
    await page.setInputFiles('input[name="file"]', configPath('assets', 'cat.png'))
    await Promise.all([page.waitForURL(/\/media\?uploaded=/), page.click('form.upload-row button[type="submit"]')])
    const cid = new URL(page.url()).searchParams.get('uploaded') as string
    expect(await page.locator('.notice.ok').textContent()).toBe(`Uploaded ${cid}.`)
    await expect.poll(async () => await page.locator(`.media-item[data-cid="${cid}"] img.preview`).count()).toBe(1)
    await shot(page, 'media')

    // hold the workers so the run page opens before the render finishes, then watch it live
    await n.node.workers.stop()
    await page.goto(`${n.url}/recipe/${dogId}`)
    await shot(page, 'recipe')
    await page.locator(`input[name="input.input.pick"][value="${cid}"]`).first().check()
    const events = page.waitForResponse((r) => /\/runs\/[0-9a-f]{64}\/events$/.test(r.url()))
    await Promise.all([page.waitForURL(/\/run\/[0-9a-f]{64}$/), page.click('#run-form button[type="submit"]')])
    expect(await page.locator('#run').getAttribute('data-final')).toBe('false')
    expect((await events).headers()['content-type']).toMatch(/^text\/event-stream/)
    await shot(page, 'run-pending')
    await n.node.workers.start()
    await page.locator('#run-output img.preview').waitFor({ timeout: 60_000 })
    expect(await page.locator('#run-status .badge').getAttribute('data-status')).toBe('completed')
    expect(await page.locator('svg.dag g.node.status-completed').count()).toBeGreaterThanOrEqual(1)
    const output = await page.locator('#run-output img.preview').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)
    expect(output).toBeGreaterThan(0)
    await shot(page, 'run-completed')
    // the same page on a phone, in dark mode: one column, nothing wider than the screen
    await page.setViewportSize({ width: 390, height: 844 })
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.reload()
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390)
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(15, 18, 22)')
    await shot(page, 'run-completed-phone-dark')
    await page.setViewportSize({ width: 1200, height: 800 })
    await page.emulateMedia({ colorScheme: 'light' })

    // the image is an input of a run now: it cannot be deleted, so it offers no Delete, and says why
    await page.goto(`${n.url}/media`)
    expect(await page.locator(`.media-item[data-cid="${cid}"] button`).count()).toBe(0)
    expect(await page.locator(`.media-item[data-cid="${cid}"] .kept`).textContent()).toMatch(/^Kept: used by \d+ runs?$/)
    await shot(page, 'media-kept')
    await page.goto(`${n.url}/`)
    await shot(page, 'home')
    await page.goto(`${n.url}/runs`)
    await shot(page, 'runs')
  })

  it('should render hostile recipe, asset and media names as text', async () => {
    const yaml = `name: "${HOSTILE}"\ndescription: "${HOSTILE}"\ndag:\n  nodes:\n    - id: input\n      type: SOURCE\n      config: {input: true, name: input}\n    - id: out\n      type: EFFECT\n      config: {effect: invert}\n      inputs: [input]\n  output: out\n`
    const id = await uploadRecipe(n, yaml)
    // unique bytes (a PNG decoder ignores what follows IEND), so the item is new and keeps this name
    const png = Buffer.concat([await readFile(configPath('assets', 'dog.png')), Buffer.from(`hostile ${Date.now()}`)])
    const form = new FormData()
    form.append('file', new Blob([png], { type: 'image/png' }), `${HOSTILE_IMG}.png`)
    const up = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form, headers: n.authHeaders })
    expect(up.status).toBe(201)
    const { cid } = await up.json() as { cid: Cid }
    await n.node.state.assets.put({ name: HOSTILE, cid, createdAt: new Date().toISOString() })
    const page = await context.newPage()
    const checks: Array<[string, string]> = [['/recipes', HOSTILE], [`/recipe/${id}`, HOSTILE], [`/recipe/${id}`, HOSTILE_IMG], ['/media', HOSTILE_IMG]]
    for (const [path, text] of checks) {
      await page.goto(`${n.url}${path}`)
      expect(await page.getByText(text).count(), `${text} on ${path}`).toBeGreaterThan(0)
      expect(await page.locator('img[src="x"]').count()).toBe(0)
      expect(await page.evaluate('document.querySelectorAll(\'script:not([src]):not([type="application/json"])\').length')).toBe(0)
      await shot(page, `hostile${path.replace(/\//g, '-').slice(0, 20)}`)
    }
    expect(alerts).toEqual([])
  })

  it('should refuse a form posted from another origin', async () => {
    const attacker: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(`<form id="f" method="post" action="${n.url}/media" enctype="multipart/form-data"><input name="_csrf" value="guess"><input type="file" name="file"></form><script>document.getElementById('f').submit()</script>`)
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    const port = (attacker.address() as AddressInfo).port
    try {
      const page = await context.newPage()
      const answer = page.waitForResponse((r) => r.url() === `${n.url}/media` && r.request().method() === 'POST')
      await page.goto(`http://localhost:${port}/`)
      const res = await answer
      expect(res.status()).toBe(403)
      expect(await res.json()).toEqual({ error: 'csrf-rejected', message: `CSRF check failed: the request came from http://localhost:${port}, not from this node` })
      await shot(page, 'csrf-rejected')
    } finally {
      attacker.close()
    }
  })
})

describe('web UI in a browser with local auth: the CSRF rule', () => {
  let n: WebNode
  let context: BrowserContext
  let profile: string
  let attacker: Server
  let attackerUrl: string

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true })
    n = await startWebNode({ authMode: 'local' })
    profile = await mkdtemp(join(tmpdir(), 'artdag-chromium-'))
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport: { width: 1200, height: 800 } })
    context.on('page', (page) => { page.on('dialog', (dialog) => { dialog.accept().catch(() => undefined) }) })
    // another port of the same host: same-site for the browser, so the SameSite=Lax session cookie goes along
    attacker = createServer((req, res) => {
      res.setHeader('content-type', 'text/html')
      if (req.url === '/fetch') {
        res.end(`<script>fetch('${n.url}/configs/upload', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: 'name: by-fetch' }).finally(() => { document.title = 'sent' })</script>`)
        return
      }
      res.end(`<form id="f" method="post" action="${n.url}/configs/upload" enctype="text/plain"><input name="name: by-form\ndescription" value="x"></form><script>document.getElementById('f').submit()</script>`)
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
    const login = await context.newPage()
    await login.goto(`${n.url}/auth?token=${n.adminToken ?? ''}`)
    expect(await login.locator('.account .user').textContent()).toBe('admin')
    await login.close()
  })
  afterAll(async () => {
    await context?.close()
    attacker?.close()
    await n?.stop()
    if (profile != null) await rm(profile, { recursive: true, force: true })
  })

  const recipeNames = async (): Promise<string[]> => (await n.node.state.recipes.list({ offset: 0, limit: 100 })).items.map((r) => r.name)

  it('should refuse a logged-in browser\'s POST /configs/upload made by a page on another port', async () => {
    const page = await context.newPage()
    const answer = page.waitForResponse((r) => r.url() === `${n.url}/configs/upload`)
    await page.goto(`${attackerUrl}/`)
    const res = await answer
    // the browser did send the session cookie: only the CSRF rule stops the write
    expect((await res.request().allHeaders()).cookie).toMatch(/artdag_session=[A-Za-z0-9_-]{43}/)
    expect(res.status()).toBe(403)
    expect(await res.json()).toEqual({ error: 'csrf-rejected', message: `CSRF check failed: the request came from ${attackerUrl}, not from this node` })
    await shot(page, 'csrf-other-port-rejected')
    const byFetch = await context.newPage()
    const fetched = byFetch.waitForResponse((r) => r.url() === `${n.url}/configs/upload`)
    await byFetch.goto(`${attackerUrl}/fetch`)
    expect((await fetched).status()).toBe(403)
    await byFetch.waitForFunction('document.title === "sent"')
    expect(await recipeNames()).not.toEqual(expect.arrayContaining(['by-form']))
    expect(await recipeNames()).not.toEqual(expect.arrayContaining(['by-fetch']))
  })

  it('should let the node\'s own pages write: a form submission and a fetch with the token', async () => {
    const page = await context.newPage()
    await page.goto(`${n.url}/media`)
    await page.setInputFiles('input[name="file"]', configPath('assets', 'cat.svg'))
    await Promise.all([page.waitForURL(/\/media\?uploaded=/), page.click('form.upload-row button[type="submit"]')])
    const cid = new URL(page.url()).searchParams.get('uploaded') as string
    expect(await page.locator('.notice.ok').textContent()).toBe(`Uploaded ${cid}.`)
    // app.js deletes it through the API: DELETE /cache/{cid} with the session's token in X-CSRF-Token
    const deleted = page.waitForResponse((r) => r.url() === `${n.url}/cache/${cid}` && r.request().method() === 'DELETE')
    await page.click(`.media-item[data-cid="${cid}"] button`)
    const res = await deleted
    expect(res.status()).toBe(200)
    const token = await page.locator('meta[name="csrf-token"]').getAttribute('content')
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await res.request().allHeaders())['x-csrf-token']).toBe(token)
    await page.locator(`.media-item[data-cid="${cid}"]`).waitFor({ state: 'detached' })
    expect(await n.node.state.content.meta(cid as Cid)).toBeUndefined()
    // logging out is a form too; the session is gone afterwards
    await Promise.all([page.waitForURL(`${n.url}/`), page.click('.account button[type="submit"]')])
    expect(await page.locator('.account a.button').textContent()).toBe('Log in')
  })
})

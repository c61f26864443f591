import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'

const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run']
/** what a hostile page does as soon as it runs: a synchronous API call (done before its load event), then a visible mark */
const attack = (recipeId: string): string =>
  `var x = new XMLHttpRequest(); x.open('DELETE', '/configs/${recipeId}', false); x.send(); fetch('/runs'); document.title = 'script ran'; alert('script ran')`

describe('stored content opened in a browser', () => {
  let n: WebNode
  let context: BrowserContext
  let profile: string
  let recipeId: string
  /** every request the browser sends, as "METHOD /path" */
  const requests: string[] = []
  const alerts: string[] = []

  const upload = async (bytes: string | Uint8Array, name: string, type: string): Promise<string> => {
    const form = new FormData()
    form.append('file', new Blob([typeof bytes === 'string' ? Buffer.from(bytes) : bytes], { type }), name)
    const res = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form, headers: n.authHeaders })
    expect(res.status).toBe(201)
    return (await res.json() as { cid: string }).cid
  }

  beforeAll(async () => {
    await mkdir(join(process.cwd(), 'test-results', 'screenshots'), { recursive: true })
    n = await startWebNode({ authMode: 'local' })
    const res = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: await readFile(configPath('recipes', 'dog.yaml'), 'utf8'), headers: { 'content-type': 'text/yaml', ...n.authHeaders } })
    recipeId = (await res.json() as { id: string }).id
    profile = await mkdtemp(join(tmpdir(), 'artdag-chromium-'))
    context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true, viewport: { width: 1280, height: 800 }, acceptDownloads: true })
    context.on('request', (r) => { requests.push(`${r.method()} ${new URL(r.url()).pathname}`) })
    context.on('page', (page) => {
      page.on('dialog', (dialog) => {
        alerts.push(dialog.message())
        dialog.dismiss().catch(() => undefined)
      })
    })
    // the admin's browser session: the cookie any page of the node's origin would carry
    const page = await context.newPage()
    await page.goto(`${n.url}/auth?token=${n.adminToken ?? ''}`)
    expect(await page.locator('.user').textContent()).toBe('admin')
    await page.close()
  })
  afterAll(async () => {
    await context?.close()
    await n?.stop()
    if (profile != null) await rm(profile, { recursive: true, force: true })
  })

  /** clicks a link and tells whether the browser downloaded its target or showed it as a page */
  const follow = async (page: Page, link: ReturnType<Page['locator']>, cid: string): Promise<string> => {
    const downloaded = page.waitForEvent('download', { timeout: 15_000 }).then(async (d) => { await d.cancel(); return 'downloaded' }, () => 'no download')
    // a download aborts the navigation: that rejection is no answer, the download event is
    const shown = page.waitForURL(`**/cache/${cid}`, { waitUntil: 'load', timeout: 15_000 }).then(() => 'shown as a page', async () => await new Promise<string>(() => {}))
    await link.click()
    return await Promise.race([downloaded, shown])
  }

  it('should run no script of an uploaded HTML or SVG opened from /media by a logged-in admin, and send nothing to the API', async () => {
    const html = await upload(`<!doctype html><html><body><h1>hello</h1><script>${attack(recipeId)}</script></body></html>\n`, 'page.html', 'text/html')
    const svg = await upload(`<svg xmlns="http://www.w3.org/2000/svg" onload="${attack(recipeId).replace(/'/g, '&apos;')}"><script>${attack(recipeId)}</script></svg>\n`, 'logo.svg', 'image/svg+xml')
    const page = await context.newPage()
    for (const cid of [html, svg]) {
      await page.goto(`${n.url}/media`, { waitUntil: 'networkidle' })
      const card = page.locator(`.media-item[data-cid="${cid}"]`)
      // no preview that could load it: only links
      expect(await card.locator('img, video, audio, iframe, object, embed').count()).toBe(0)
      for (const link of [card.locator('a.preview'), card.locator('a.mono')]) {
        requests.length = 0
        const outcome = await follow(page, link, cid)
        // a download's own request and the favicon are the browser's, not a page's: they may not be reported
        expect(requests.filter((r) => r !== `GET /cache/${cid}` && r !== 'GET /static/favicon.svg')).toEqual([])
        expect(outcome).toBe('downloaded')
      }
      // typed into the address bar, it is a download too
      requests.length = 0
      const direct = await context.newPage()
      const opened = await direct.goto(`${n.url}/cache/${cid}`).then(() => 'shown as a page', (err: Error) => err.message)
      expect(opened).toContain('Download is starting')
      expect(requests.filter((r) => r !== `GET /cache/${cid}`)).toEqual([])
      await direct.close()
    }
    expect(alerts).toEqual([])
    expect(await page.title()).not.toBe('script ran')
    expect((await fetch(`${n.url}/configs/${recipeId}`)).status).toBe(200)
    await page.close()
  })

  it('should still show images and play video opened straight from /cache under the sandbox', async () => {
    const page = await context.newPage()
    const png = await upload(Buffer.concat([await readFile(configPath('assets', 'dog.png')), Buffer.from(`shown ${Date.now()}`)]), 'dog.png', 'image/png')
    await page.goto(`${n.url}/cache/${png}`)
    expect(await page.evaluate('document.images[0]?.naturalWidth')).toBeGreaterThan(0)
    const clip = await n.node.state.assets.get('cat-clip')
    await page.goto(`${n.url}/cache/${clip?.cid ?? ''}`)
    await page.waitForFunction('(document.querySelector("video")?.readyState ?? 0) >= 1', undefined, { timeout: 15_000 })
    expect(await page.evaluate('document.querySelector("video").videoWidth')).toBeGreaterThan(0)
    await page.close()
  })

  it('should keep long names inside their media cards at 1280 and 390 px', async () => {
    const png = await readFile(configPath('assets', 'dog.png'))
    await upload(Buffer.concat([png, Buffer.from(`long ${Date.now()}`)]), `${'x'.repeat(300)}.png`, 'image/png')
    await upload(`words ${Date.now()}\n`, `${'a rather long name '.repeat(20)}.txt`, 'text/plain')
    const unknown = await upload(Buffer.from(`unknown bytes \u0000 ${Date.now()}`), `${'y'.repeat(200)}.bin`, 'application/x-a-very-long-declared-type-that-nobody-knows')
    // an entry an older node recorded with an uploader's declared type, of any length
    const legacy = await upload(Buffer.from(`legacy ${Date.now()}\n`), 'legacy.txt', 'text/plain')
    await n.node.state.content.remove(legacy as never)
    await n.node.state.content.add(legacy as never, { size: 10, mediaType: `application/x${'long'.repeat(20)}`, name: `${'z'.repeat(120)}` })
    const page = await context.newPage()
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 })
      await page.goto(`${n.url}/media?uploaded=${unknown}`)
      const overflowing = await page.evaluate(`[...document.querySelectorAll('.media-item')].flatMap((card) => {
        const box = card.getBoundingClientRect()
        return [card, ...card.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > box.right + 0.5 || el.scrollWidth > el.clientWidth + 0.5 && getComputedStyle(el).overflow === 'visible')
          .map((el) => card.getAttribute('data-cid') + ' ' + el.tagName + '.' + el.className)
      })`)
      expect([width, overflowing]).toEqual([width, []])
      expect([width, await page.evaluate('document.documentElement.scrollWidth')]).toEqual([width, width])
      await page.screenshot({ path: join(process.cwd(), 'test-results', 'screenshots', `media-long-names-${width}.png`), fullPage: true })
    }
    await page.close()
  })
})

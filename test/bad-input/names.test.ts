import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse as parseYaml, stringify } from 'yaml'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { expectHealthy, Tally } from './harness.js'

/** Names that try to become markup, script or links; none may come out of a page as anything but text */
const HOSTILE = [
  '<script>window.__pwned="script"</script>',
  '"><svg onload=window.__pwned="svg">',
  "'><img src=x onerror=window.__pwned='img'>",
  'javascript:window.__pwned="href"',
  '{{constructor.constructor("window.__pwned=1")()}}'
]
/** Names a terminal or a page would act on, or too long to show: refused as recipe and output names, naming the field */
const CONTROL: Array<[string, string]> = [
  ['\u202Egnp.exe\u202C evil', 'holds the control character U+202E at position 0; only printable characters are allowed'],
  ['\u001b]0;pwned\u0007', 'holds the control character U+001B at position 0; only printable characters are allowed'],
  ['nul\u0000byte', 'holds the control character U+0000 at position 3; only printable characters are allowed'],
  ['two\nlines', 'holds the control character U+000A at position 3; only printable characters are allowed'],
  [`long-${'ŵ'.repeat(2000)}`, 'is 2005 characters long; at most 128 are allowed'],
  [`x${'y'.repeat(4999)}`, 'is 5000 characters long; at most 128 are allowed']
]
/** upload names lose everything up to a slash, so the upload gets a slash-free one */
const HOSTILE_UPLOAD = '"><svg onload=window.__pwned="upload">.png'
const ARGS = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/** How `s` must appear in HTML text: the five characters that matter escaped */
function escaped (s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}

function recipeYaml (name: string): string {
  return stringify({
    name,
    description: name,
    dag: {
      nodes: [
        { id: 'input', type: 'SOURCE', config: { input: true, name: 'input' } },
        { id: name.slice(0, 100), type: 'EFFECT', config: { effect: 'invert' }, inputs: ['input'] }
      ],
      output: name.slice(0, 100)
    }
  })
}

describe('bad input: hostile names in the UI', () => {
  let t: TestNode
  const pages = new Set<string>(['/', '/runs', '/recipes', '/media'])
  const tally = new Tally('hostile names')

  beforeAll(async () => {
    t = await startTestNode()
    for (const name of HOSTILE) {
      const up = await fetch(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: recipeYaml(name) })
      expect(up.status, name).toBe(201)
      const { id } = await up.json() as { id: string }
      pages.add(`/recipe/${id}`)
      const res = await fetch(`${t.url}/configs/${id}/run?wait=60`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: { input: 'cat' }, output_name: name.slice(0, 256) }) })
      const run = await res.json() as { id: string, status: string }
      expect(run.status, name).toBe('completed')
      pages.add(`/run/${run.id}`)
    }
    const cat = await t.node.state.assets.get('cat')
    if (cat == null) throw new Error('the node has no cat asset')
    // assets are named by the operator, not by requests: every hostile name, control ones too, must still show as text
    for (const name of [...HOSTILE, ...CONTROL.map(([n]) => n)]) await t.node.state.assets.put({ ...cat, name, createdAt: new Date().toISOString() })
    const upload = await fetch(`${t.url}/cache/upload?name=${encodeURIComponent(HOSTILE_UPLOAD)}`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: `hostile upload ${Date.now()}` })
    expect(upload.status).toBe(201)
  })
  afterAll(async () => { await t?.stop() })

  it('should refuse control characters and overlong names as recipe names, descriptions and output names, naming the field', async () => {
    const own = new Tally('control names')
    const { id } = await (await fetch(`${t.url}/configs/upload`, { method: 'POST', headers: { 'content-type': 'text/yaml' }, body: recipeYaml('plain') })).json() as { id: string }
    for (const [name, problem] of CONTROL) {
      const plain = parseYaml(recipeYaml('plain')) as object
      const bodies = [stringify({ ...plain, name }), stringify({ ...plain, description: `${name}\u0007` })]
      for (const [i, body] of bodies.entries()) {
        const field = i === 0 ? 'name' : 'description'
        await own.send(t.url, {
          label: `recipe ${field}`, method: 'POST', path: '/configs/upload', headers: { 'content-type': 'text/yaml' }, body, status: 400, error: 'recipe-validation',
          message: new RegExp(`^invalid recipe \\(1 problem\\): ${field}: (is \\d+ characters long|holds the control character U\\+[0-9A-F]{4} at position \\d+)`)
        })
      }
      await own.send(t.url, {
        label: 'output name', method: 'POST', path: `/configs/${id}/run`, headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: { input: 'cat' }, output_name: name }), status: 400, error: 'invalid-name', message: `output_name ${problem}`
      })
    }
    const names = (await (await fetch(`${t.url}/configs?limit=1000`)).json() as { items: Array<{ name: string }> }).items.map((r) => r.name)
    expect(names.filter((n) => CONTROL.some(([c]) => c === n))).toEqual([])
    own.done()
  })

  it('should render every page with the hostile names escaped, with no link or script made of them', async () => {
    for (const path of pages) {
      const res = await fetch(`${t.url}${path}`, { headers: { accept: 'text/html' } })
      const page = await res.text()
      tally.check({ label: 'page', path, status: 200 }, { status: res.status, text: page.slice(0, 200), json: undefined })
      for (const name of [...HOSTILE, ...CONTROL.map(([n]) => n), HOSTILE_UPLOAD]) {
        // the raw text never appears where it could be markup; only its escaped form (or a JSON-escaped copy in a data script)
        expect(page.includes(name) && /[<>"']/.test(name), `${name} raw on ${path}`).toBe(false)
      }
      expect(page, path).not.toMatch(/(href|src|action)\s*=\s*["']?\s*javascript:/i)
      expect(page, path).not.toMatch(/<script>window\.__pwned|<svg onload|<img src=x/i)
    }
    const recipes = await (await fetch(`${t.url}/recipes`, { headers: { accept: 'text/html' } })).text()
    for (const name of HOSTILE) expect(recipes, name).toContain(escaped(name.slice(0, 100)))
    const media = await (await fetch(`${t.url}/media`, { headers: { accept: 'text/html' } })).text()
    expect(media).toContain(escaped(HOSTILE_UPLOAD))
    await expectHealthy(t.url)
    tally.done()
  })

  it('should run no injected script in chromium on any of those pages', async () => {
    const profile = await mkdtemp(join(tmpdir(), 'artdag-bad-names-'))
    const context = await chromium.launchPersistentContext(profile, { executablePath: '/usr/bin/chromium', args: ARGS, headless: true })
    const dialogs: string[] = []
    try {
      const page = await context.newPage()
      page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => undefined) })
      for (const path of pages) {
        await page.goto(`${t.url}${path}`)
        expect(await page.evaluate('window.__pwned'), path).toBeUndefined()
        expect(await page.locator('img[src="x"], svg[onload]').count(), path).toBe(0)
      }
      // the visible text is the name itself, markup characters included
      await page.goto(`${t.url}/recipes`)
      expect(await page.getByText(HOSTILE[1] as string).count()).toBeGreaterThan(0)
    } finally {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    }
    expect(dialogs).toEqual([])
  })
})

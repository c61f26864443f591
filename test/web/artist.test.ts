import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import { effectCatalogue, type ParamEntry } from '../../src/effects/catalogue.js'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'
import { noticeOf, PageClient, problemsOf } from './helpers.js'

const RUN_URL = /\/run\/([0-9a-f]{64})$/

/** the controls paramControls must draw for a spec, as CSS selectors inside its .param block */
function expectedControls (spec: ParamEntry): string[] {
  switch (spec.type) {
    case 'number':
    case 'integer':
      return spec.min != null && spec.max != null ? ['input[type="range"]', 'input[type="number"]'] : ['input[type="number"]']
    case 'enum': return ['select']
    case 'boolean': return ['input[type="checkbox"]']
    case 'color': return ['input[type="color"]', 'input[type="text"]']
    case 'string': return ['input[type="text"]']
  }
}

describe('the artist\'s pages', () => {
  let n: WebNode
  let browser: Chromium
  let page: Page
  /** the run of invert with intensity 0.5 that the form started */
  let half: string | undefined

  beforeAll(async () => {
    n = await startWebNode()
    browser = await launchChromium(1280, 900)
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  async function finished (id: string): Promise<void> {
    await n.node.orchestrator.waitFor(id as PlanId, { signal: AbortSignal.timeout(90_000) })
  }

  it('should show one control per parameter of every effect, as its spec says', { timeout: 240_000 }, async () => {
    const effects = effectCatalogue()
    // the pictures of the input picker are not what this looks at
    const forms = await browser.context.newPage()
    await forms.route('**/cache/**', async (route) => { await route.abort() })
    expect(effects.map((e) => e.name).sort()).toEqual(n.node.effects.list().map((e) => e.name).sort())
    for (const effect of effects) {
      await forms.goto(`${n.url}/recipe/${effect.name}`)
      const names = await forms.locator('#run-form .param').evaluateAll((els) => els.map((e) => e.getAttribute('data-param')))
      expect(names, effect.name).toEqual(effect.params.map((p) => p.name))
      for (const spec of effect.params) {
        const name = spec.name
        const block = forms.locator(`#run-form .param[data-param="${name}"]`)
        for (const selector of expectedControls(spec)) expect(await block.locator(selector).count(), `${effect.name}.${name} ${selector}`).toBe(1)
        const field = block.locator(`[name="param.${name}"]`)
        if (spec.type === 'boolean') expect(await field.isChecked()).toBe(spec.default)
        else expect(await field.inputValue(), `${effect.name}.${name} default`).toBe(String(spec.default))
      }
    }
    await forms.close()
  })

  it('should render with a parameter changed in the form, record it in the provenance, and offer to edit and run again', async () => {
    const cat = (await n.node.state.assets.list()).find((a) => a.name === 'cat')?.cid as string
    const start = async (intensity?: string): Promise<string> => {
      await page.goto(`${n.url}/recipe/invert`)
      await page.locator(`input[name="input.input.pick"][value="${cat}"]`).first().check()
      if (intensity != null) await page.fill('input[name="param.intensity"]', intensity)
      await Promise.all([page.waitForURL(RUN_URL), page.click('#run-form button[type="submit"]')])
      const id = RUN_URL.exec(page.url())?.[1] as string
      await finished(id)
      return id
    }
    const plain = await n.node.state.runs.get(await start() as PlanId)
    half = await start('0.5')
    const halfRun = await n.node.state.runs.get(half as PlanId)
    expect(plain?.status).toBe('completed')
    expect(halfRun?.status).toBe('completed')
    expect(halfRun?.outputCid).not.toBe(plain?.outputCid)
    const provenance = await n.node.store.getJson<{ steps: Array<{ type: string, config: { params?: Record<string, unknown> } }> }>(halfRun?.provenanceCid as never)
    expect(provenance.steps.find((s) => s.type === 'EFFECT')?.config.params).toEqual({ intensity: 0.5 })

    // the slider follows the number field and back
    await page.goto(`${n.url}/recipe/invert`)
    await page.fill('input[name="param.intensity"]', '0.3')
    expect(await page.locator('.param[data-param="intensity"] input[type="range"]').inputValue()).toBe('0.3')
    // the browser refuses a value out of range before sending; the server refuses it too, naming the field
    await page.fill('input[name="param.intensity"]', '3')
    expect(await page.locator('input[name="param.intensity"]').evaluate((el) => (el as unknown as { checkValidity(): boolean }).checkValidity())).toBe(false)
    const c = new PageClient(n.url)
    const token = await c.csrf('/recipe/invert')
    for (const [value, problem] of [['3', /intensity/], ['lots', /param &quot;intensity&quot;: &quot;lots&quot; is not a number/]] as const) {
      const form = new FormData()
      form.append('_csrf', token)
      form.append('input.input.pick', cat)
      form.append('param.intensity', value)
      const answer = await c.post('/recipe/invert/run', form)
      expect(answer.res.status).toBe(400)
      expect([noticeOf(answer.text), ...problemsOf(answer.text)].join(' ')).toMatch(problem)
    }

    // edit and run again: the form comes back with this run's input and parameter
    await page.goto(`${n.url}/run/${half ?? ''}`)
    await Promise.all([page.waitForURL(/\/recipe\/invert\?from=/), page.click('text=Edit and run again')])
    expect(await page.locator('input[name="param.intensity"]').inputValue()).toBe('0.5')
    expect(await page.locator(`input[name="input.input.pick"][value="${cat}"]`).first().isChecked()).toBe(true)
    expect(await page.locator('#run-it h2').textContent()).toBe('Edit and run again')
  })

  it('should offer inputs as thumbnails with a type filter', async () => {
    await page.goto(`${n.url}/recipe/invert`)
    const picks = page.locator('[data-picker="input.input"] .pick')
    expect(await picks.locator('img').count()).toBeGreaterThanOrEqual(2)
    expect(await picks.locator('video').count()).toBeGreaterThanOrEqual(1)
    await page.selectOption('select[data-filter="input.input"]', 'video')
    const shown = await picks.evaluateAll((els) => els.filter((e) => !(e as unknown as { hidden: boolean }).hidden).map((e) => e.getAttribute('data-kind')))
    expect(shown.length).toBeGreaterThanOrEqual(1)
    expect(new Set(shown)).toEqual(new Set(['video']))
  })

  it('should list runs with their output, recipe, params and inputs, filtered by recipe and status', async () => {
    const other = (await n.node.runService.submit({ recipe: 'flip', inputs: ['dog'] })).run
    await finished(other.id)
    await page.goto(`${n.url}/runs`)
    // the row of the form's run (the effect page's live preview may have made one on the sample too)
    const row = page.locator('table.runs tbody tr').filter({ has: page.locator(`a[href="/run/${half ?? ''}"]`) })
    expect(await row.textContent()).toContain('intensity=0.5')
    expect(await row.count()).toBe(1)
    expect(await row.locator('td.thumb-cell img.mini').count()).toBe(1)
    expect(await row.locator('.input-mini').textContent()).toContain('input')
    expect(await row.locator('a[href="/recipe/invert"]').count()).toBe(1)
    await page.selectOption('select[name="recipe"]', 'flip')
    await Promise.all([page.waitForURL(/recipe=flip/), page.click('form.filters button')])
    const recipes = await page.locator('table.runs tbody tr td:nth-child(3) > a').allTextContents()
    expect(recipes).toEqual(['flip'])
    await page.goto(`${n.url}/runs?recipe=invert&status=failed`)
    expect(await page.locator('table.runs').count()).toBe(0)
    expect(await page.locator('.empty').textContent()).toMatch(/No runs here/)
  })

  it('should keep a run\'s page whole after its recipe is deleted', async () => {
    const yaml = await readFile(configPath('recipes', 'dog.yaml'), 'utf8')
    const up = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } })
    const recipeId = (await up.json() as { id: string }).id
    const run = (await n.node.runService.submit({ recipe: recipeId, inputs: ['cat'] })).run
    await finished(run.id)
    expect((await fetch(`${n.url}/configs/${recipeId}`, { method: 'DELETE' })).status).toBeLessThan(300)
    await page.goto(`${n.url}/run/${run.id}`)
    expect(await page.locator('.meta').textContent()).toContain('(deleted from this node)')
    const links = await page.locator('a[href^="/"]').evaluateAll((els) => els.map((e) => e.getAttribute('href') as string))
    expect(links.length).toBeGreaterThan(3)
    for (const href of new Set(links)) {
      const res = await fetch(`${n.url}${href}`, { headers: { accept: 'text/html' }, redirect: 'manual' })
      expect(res.status, href).toBeLessThan(400)
    }
    await page.goto(`${n.url}/runs`)
    expect(await page.locator(`tr[data-run="${run.id}"] a[href="/recipe/${recipeId}"]`).count()).toBe(0)
  })

  it('should show media cards whose video has no controls over it, and no Delete for content runs use', async () => {
    const form = new FormData()
    form.append('file', new Blob([Buffer.concat([await readFile(configPath('assets', 'dog.png')), Buffer.from(`unused ${Date.now()}`)])], { type: 'image/png' }), 'unused.png')
    const up = await fetch(`${n.url}/cache/upload`, { method: 'POST', body: form })
    const unused = (await up.json() as { cid: string }).cid
    await page.goto(`${n.url}/media`)
    const clip = (await n.node.state.assets.list()).find((a) => a.name === 'cat-clip')?.cid as string
    const clipCard = page.locator(`.media-item[data-cid="${clip}"]`)
    expect(await clipCard.locator('video').count()).toBe(1)
    expect(await clipCard.locator('video').getAttribute('controls')).toBeNull()
    const cat = (await n.node.state.assets.list()).find((a) => a.name === 'cat')?.cid as string
    expect(await page.locator(`.media-item[data-cid="${cat}"] button`).count()).toBe(0)
    expect(await page.locator(`.media-item[data-cid="${cat}"] .kept`).textContent()).toMatch(/^Kept: used by \d+ runs?$/)
    expect(await page.locator(`.media-item[data-cid="${unused}"] button`).textContent()).toBe('Delete')
  })

  it('should give /docs a way back and every page a favicon', async () => {
    await page.goto(`${n.url}/docs`)
    expect(await page.locator('a[href="/"]').count()).toBe(1)
    await page.goto(`${n.url}/`)
    const icon = await page.locator('link[rel="icon"]').getAttribute('href') as string
    const res = await fetch(`${n.url}${icon}`)
    expect(res.headers.get('content-type')).toBe('image/svg+xml')
    expect(await res.text()).toMatch(/^<svg /)
    const ico = await fetch(`${n.url}/favicon.ico`, { redirect: 'manual' })
    expect(ico.headers.get('location')).toBe('/static/favicon.svg')
  })

  it('should fit a phone: no fieldset wider than the screen, the steps table shows progress', async () => {
    const phone = await browser.context.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    for (const path of ['/recipe/rotate', '/recipe/invert', '/recipes', '/media']) {
      await phone.goto(`${n.url}${path}`)
      const wide = await phone.locator('fieldset').evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().right > 390).length)
      expect(wide, path).toBe(0)
      expect(await phone.evaluate('document.documentElement.scrollWidth'), path).toBeLessThanOrEqual(390)
    }
    const run = (await n.node.state.runs.list({ offset: 0, limit: 1 })).items[0]
    await phone.goto(`${n.url}/run/${run?.id as string}`)
    const bar = phone.locator('table.steps tbody tr progress').first()
    expect(await bar.isVisible()).toBe(true)
    const box = await bar.boundingBox()
    expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(390)
    await phone.close()
  })
})

describe('the artist\'s pages for an anonymous visitor of a node with logins', () => {
  let n: WebNode
  beforeAll(async () => { n = await startWebNode({ authMode: 'local' }) })
  afterAll(async () => { await n?.stop() })

  it('should ask to log in before the form is filled, not after it is sent', async () => {
    const c = new PageClient(n.url)
    const pages: Array<[string, string]> = [['/recipe/invert', 'start a run'], ['/media', 'upload media'], ['/recipes', 'upload a recipe']]
    for (const [path, what] of pages) {
      const { res, text } = await c.get(path)
      expect(res.status).toBe(200)
      expect(text, path).toContain(`<p>Log in to ${what}.</p>`)
      expect(text, path).toMatch(/<fieldset class="plain" disabled>|<input type="file" name="file" required disabled>/)
    }
  })
})

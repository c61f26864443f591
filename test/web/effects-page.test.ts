import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'

const PICTURES = '.effect-preview img.preview, .effect-preview video.preview'

async function runCount (n: WebNode): Promise<number> {
  return await n.node.state.runs.count()
}

describe('the /effects page', () => {
  let n: WebNode
  let browser: Chromium
  let page: Page

  beforeAll(async () => {
    n = await startWebNode()
    // tall enough that every preview is on screen, so the page asks for all of them
    browser = await launchChromium(1280, 30_000)
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  it('should render every missing preview once, and nothing on a second visit', { timeout: 600_000 }, async () => {
    const effects = n.node.effects.list().length
    expect(await runCount(n)).toBe(0)
    await page.goto(`${n.url}/effects`)
    expect(await page.locator('[data-effect-card]').count()).toBe(effects)
    expect(await page.locator(PICTURES).count()).toBe(0)
    // refused pairs (an effect that shows only in motion, on the still) say why instead
    const refused = await page.locator('.effect-preview.refused').count()
    expect(await page.locator('.effect-preview.refused .placeholder').first().textContent()).toMatch(/still|clip|motion/i)
    await expect.poll(async () => await page.locator(PICTURES).count(), { timeout: 540_000, interval: 500 }).toBe(effects * 2 - refused)
    expect(await page.locator('.placeholder.failed').count()).toBe(0)
    const rendered = await runCount(n)
    expect(rendered).toBe(effects * 2 - refused)
    // each preview is the run of the effect with its defaults on the proxy, as anyone would ask for it
    const invert = (await n.node.runService.submit({ recipe: 'invert', inputs: ['cat-small'] }))
    expect(invert.created).toBe(false)
    expect(await page.locator(`[data-effect-card="invert"] a[href="/run/${invert.run.id}"]`).count()).toBe(1)

    await page.goto(`${n.url}/effects`)
    expect(await page.locator(PICTURES).count()).toBe(effects * 2 - refused)
    expect(await page.locator('[data-preview]').count()).toBe(0)
    expect(await runCount(n)).toBe(rendered)
  })
})

describe('the /effects page for a visitor who may not run things', () => {
  let n: WebNode
  let browser: Chromium
  let page: Page

  beforeAll(async () => {
    n = await startWebNode({ authMode: 'local' })
    browser = await launchChromium(1280, 30_000)
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  it('should show the previews that exist and ask to log in for the others, starting no run', { timeout: 180_000 }, async () => {
    const { run } = await n.node.runService.submit({ recipe: 'invert', inputs: ['cat-small'] })
    await n.node.orchestrator.waitFor(run.id as PlanId, { signal: AbortSignal.timeout(120_000) })
    const posts: string[] = []
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()) })
    await page.goto(`${n.url}/effects`, { waitUntil: 'networkidle' })
    expect(await page.locator('.notice.info').textContent()).toMatch(/Log in to render the previews/)
    expect(await page.locator(`[data-effect-card="invert"] a[href="/run/${run.id}"] img.preview`).count()).toBe(1)
    expect(await page.locator(PICTURES).count()).toBe(1)
    // no placeholder carries a run request, so the page asks the node for nothing
    expect(await page.locator('[data-preview][data-effect]').count()).toBe(0)
    expect(await page.locator('[data-preview]').first().textContent()).toBe('no preview yet')
    expect(posts).toEqual([])
    expect(await n.node.state.runs.count()).toBe(1)
  })
})

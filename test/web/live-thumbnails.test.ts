import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'

/** two effects in a row, so the first step completes while the run still goes on */
const CHAIN = `name: chain
dag:
  nodes:
    - id: input
      type: SOURCE
      config: {input: true, name: input}
    - id: inverted
      type: EFFECT
      config: {effect: invert}
      inputs: [input]
    - id: turned
      type: EFFECT
      config: {effect: rotate, params: {angle: 30}}
      inputs: [inverted]
  output: turned
`

describe('the run page while a run goes on', () => {
  let n: WebNode
  let browser: Chromium
  let page: Page

  beforeAll(async () => {
    n = await startWebNode()
    browser = await launchChromium(1280, 900)
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  it('should draw a step\'s thumbnail in the DAG when the step completes, without a reload', { timeout: 120_000 }, async () => {
    const up = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: CHAIN, headers: { 'content-type': 'text/yaml', ...n.authHeaders } })
    expect(up.status).toBe(201)
    const recipe = (await up.json() as { id: string }).id
    // hold the workers so the page opens on a run with nothing rendered yet
    await n.node.workers.stop()
    const { run } = await n.node.runService.submit({ recipe, inputs: ['cat'] })
    const events = page.waitForResponse((r) => r.url() === `${n.url}/runs/${run.id}/events`)
    await page.goto(`${n.url}/run/${run.id}`)
    await events
    expect(await page.locator('svg.dag g.node[data-step="inverted"] .thumb').count()).toBe(0)
    // a mark on this very document: a reload would drop it
    await page.evaluate('window.__sameDocument = true')
    await n.node.workers.start()
    // the page's CSP allows no string evaluation inside it, so poll from here
    await expect.poll(async () => await page.evaluate(
      'window.__sameDocument === true && document.querySelector(\'svg.dag g.node[data-step="inverted"] image.thumb\') !== null'),
    { timeout: 90_000, interval: 50 }).toBe(true)
    const href = await page.locator('svg.dag g.node[data-step="inverted"] image.thumb').getAttribute('href')
    const step = (await n.node.state.runs.get(run.id))?.steps.find((s) => s.id === 'inverted')
    expect(href).toBe(`/cache/${step?.cid ?? 'no cid'}`)
  })
})

import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'

/** where the pictures go: docs/screenshots is refreshed with ARTDAG_SCREENSHOTS=docs/screenshots */
const DIR = process.env.ARTDAG_SCREENSHOTS ?? join('test-results', 'screenshots', 'pages')
const WIDTHS = [1280, 390]

describe('every page at 1280 and 390 px', () => {
  let n: WebNode
  let browser: Chromium
  const pages: Array<[string, string]> = []

  beforeAll(async () => {
    await mkdir(DIR, { recursive: true })
    n = await startWebNode()
    const upload = async (yaml: string): Promise<string> => {
      const res = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml' } })
      return (await res.json() as { id: string }).id
    }
    const montage = await upload(await readFile(configPath('recipes', 'montage.yaml'), 'utf8'))
    const dog = await upload(await readFile(configPath('recipes', 'dog.yaml'), 'utf8'))
    const runs = [
      (await n.node.runService.submit({ recipe: montage, inputs: { first: 'cat-clip', second: 'cat-clip' } })).run,
      (await n.node.runService.submit({ recipe: dog, inputs: ['cat'] })).run,
      (await n.node.runService.submit({ recipe: 'rotate', inputs: ['dog'], params: { angle: 15, fill: '#3355aa' } })).run
    ]
    // every preview of /effects, as a first visit renders them (an effect refused on a still has none there)
    for (const effect of n.node.effects.list()) {
      for (const input of ['cat-small', 'cat-clip-small']) {
        const submitted = await n.node.runService.submit({ recipe: effect.name, inputs: [input] }).catch(() => undefined)
        if (submitted != null) runs.push(submitted.run)
      }
    }
    for (const run of runs) await n.node.orchestrator.waitFor(run.id as PlanId, { signal: AbortSignal.timeout(400_000) })
    pages.push(['home', '/'], ['runs', '/runs'], ['run-montage', `/run/${runs[0]?.id ?? ''}`], ['run-rotate', `/run/${runs[2]?.id ?? ''}`],
      ['recipes', '/recipes'], ['recipe-montage', `/recipe/${montage}`], ['effects', '/effects'], ['effect-rotate', '/recipe/rotate'],
      ['edit-again', `/recipe/rotate?from=${runs[2]?.id ?? ''}`], ['media', '/media'], ['login', '/login'], ['not-found', '/run/nope'], ['docs', '/docs'])
    browser = await launchChromium()
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  it('should draw every page without a horizontal scroll bar on the page itself', { timeout: 300_000 }, async () => {
    for (const width of WIDTHS) {
      const page = await browser.context.newPage()
      await page.setViewportSize({ width, height: 900 })
      for (const [name, path] of pages) {
        await page.goto(`${n.url}${path}`, { waitUntil: 'networkidle' })
        await page.screenshot({ path: join(DIR, `${name}-${width}.png`), fullPage: true })
        if (name !== 'docs') expect(await page.evaluate('document.documentElement.scrollWidth'), `${name} at ${width}`).toBeLessThanOrEqual(width)
      }
      await page.close()
    }
  })
})

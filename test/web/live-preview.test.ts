import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlanId } from '../../src/dag/ids.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'

describe('the live preview of an effect page', () => {
  let n: WebNode
  let browser: Chromium
  let page: Page

  beforeAll(async () => {
    n = await startWebNode()
    browser = await launchChromium(1280, 2000)
    page = await browser.context.newPage()
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  async function settled (): Promise<{ runId: string, src: string }> {
    await page.locator('#live-preview[data-state="done"] .live-result img.preview').waitFor({ timeout: 120_000 })
    return {
      runId: await page.locator('#live-preview').getAttribute('data-run-id') ?? '',
      src: await page.locator('#live-preview .live-result img.preview').getAttribute('src') ?? ''
    }
  }

  /** the parameter values a run rendered with, from its plan */
  async function paramsOf (runId: string): Promise<unknown> {
    const plan = await n.node.state.runs.getPlan(runId as PlanId)
    return plan?.steps.find((s) => s.type === 'EFFECT')?.config.params
  }

  it('should show the preview of the defaults, render the changed parameter, and name a refused value next to its control', { timeout: 300_000 }, async () => {
    // opening the page renders nothing; it shows the defaults' preview once that exists (the /effects one)
    await page.goto(`${n.url}/recipe/rotate`)
    expect(await page.locator('#live-preview .live-result .placeholder').count()).toBe(1)
    const { run } = await n.node.runService.submit({ recipe: 'rotate', inputs: ['cat-small'] })
    await n.node.orchestrator.waitFor(run.id, { signal: AbortSignal.timeout(120_000) })
    await page.goto(`${n.url}/recipe/rotate`)
    const first = await settled()
    expect(first.runId).toBe(run.id)
    expect(await paramsOf(first.runId)).toMatchObject({ angle: 30 })

    const runsBefore = await n.node.state.runs.count()
    // several changes within the delay make one run, of the last value
    const angle = page.locator('#param-angle')
    for (const value of ['40', '50', '75']) await angle.fill(value)
    await expect.poll(async () => await page.locator('#live-preview').getAttribute('data-run-id'), { timeout: 120_000 }).not.toBe(first.runId)
    const second = await settled()
    expect(second.src).not.toBe(first.src)
    expect(await paramsOf(second.runId)).toMatchObject({ angle: 75 })
    expect(await n.node.state.runs.count()).toBe(runsBefore + 1)

    await angle.fill('999')
    const error = page.locator('.param[data-param="angle"] .param-error')
    await error.waitFor({ timeout: 60_000 })
    expect(await error.textContent()).toMatch(/angle/)
    expect(await page.locator('#live-preview').getAttribute('data-state')).toBe('refused')
    // a valid value again clears the message
    await angle.fill('90')
    await settled()
    expect(await page.locator('.param-error').count()).toBe(0)
  })
})

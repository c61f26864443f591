import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseRecipe } from '../../src/dag/index.js'
import { configPath } from '../../src/util/paths.js'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { launchChromium, type Chromium } from './chromium.js'

interface Box { id: string, left: number, top: number, right: number, bottom: number }
interface Drawn {
  boxes: Box[]
  edges: Array<{ from: string, to: string, points: Array<[number, number]> }>
  /** the smallest label, in CSS pixels on screen */
  smallestLabel: number
  labels: number
  /** the frame the DAG is drawn in */
  frame: { left: number, right: number }
}

/** Reads the drawn DAG in screen coordinates: node boxes, edge polylines, label sizes (runs in the page) */
const READ_DAG = `(() => {
  const svg = document.querySelector('svg.dag')
  const ctm = svg.getScreenCTM()
  const boxes = [...svg.querySelectorAll('g.node')].map((g) => {
    const r = g.querySelector('rect').getBoundingClientRect()
    return { id: g.getAttribute('data-step'), left: r.left, top: r.top, right: r.right, bottom: r.bottom }
  })
  const edges = [...svg.querySelectorAll('path.edge')].map((p) => {
    const numbers = (p.getAttribute('d') || '').match(/-?[0-9.]+/g).map(Number)
    const points = []
    for (let i = 0; i + 1 < numbers.length; i += 2) {
      const q = new DOMPoint(numbers[i], numbers[i + 1]).matrixTransform(ctm)
      points.push([q.x, q.y])
    }
    return { from: p.getAttribute('data-from'), to: p.getAttribute('data-to'), points }
  })
  const texts = [...svg.querySelectorAll('text')]
  const sizes = texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * ctm.a)
  const frame = svg.parentElement.getBoundingClientRect()
  return { boxes, edges, smallestLabel: Math.min(...sizes), labels: texts.length, frame: { left: frame.left, right: frame.right } }
})()`

async function drawnDag (page: Page): Promise<Drawn> {
  return await page.evaluate(READ_DAG) as Drawn
}

/** whether the segment a-b passes through the inside of the box (Liang-Barsky clipping) */
function crosses (a: [number, number], b: [number, number], box: Box): boolean {
  const inset = 1
  const [x0, y0] = a
  const dx = b[0] - x0
  const dy = b[1] - y0
  let t0 = 0
  let t1 = 1
  const sides: Array<[number, number]> = [[-dx, x0 - (box.left + inset)], [dx, (box.right - inset) - x0], [-dy, y0 - (box.top + inset)], [dy, (box.bottom - inset) - y0]]
  for (const [p, q] of sides) {
    if (p === 0) {
      if (q < 0) return false
      continue
    }
    const t = q / p
    if (p < 0) t0 = Math.max(t0, t)
    else t1 = Math.min(t1, t)
    if (t0 > t1) return false
  }
  return true
}

/** every (edge, box) pair where a segment of the edge enters a box it neither leaves nor enters */
function crossings (drawn: Drawn): string[] {
  const found: string[] = []
  for (const edge of drawn.edges) {
    for (const box of drawn.boxes) {
      if (box.id === edge.from || box.id === edge.to) continue
      for (let i = 0; i + 1 < edge.points.length; i++) {
        if (crosses(edge.points[i] as [number, number], edge.points[i + 1] as [number, number], box)) found.push(`${edge.from} -> ${edge.to} crosses ${box.id}`)
      }
    }
  }
  return found
}

/** A random DAG of 20 nodes (3 sources), every node on a path to the output; seeded so a failure can be replayed */
function randomRecipe (seed: number): string {
  let state = seed
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state % n
  }
  const lines = ['name: random-20', 'dag:', '  nodes:']
  for (let i = 0; i < 3; i++) lines.push(`    - id: src_${i}`, '      type: SOURCE', `      config: {input: true, name: in_${i}}`)
  const ids = ['src_0', 'src_1', 'src_2']
  const add = (id: string, inputs: string[]): void => {
    if (inputs.length === 1) lines.push(`    - id: ${id}`, '      type: EFFECT', '      config: {effect: invert}', `      inputs: [${inputs.join(', ')}]`)
    else lines.push(`    - id: ${id}`, '      type: BLEND', '      config: {mode: screen, opacity: 0.5}', `      inputs: [${inputs.join(', ')}]`)
    ids.push(id)
  }
  add('mix_0', ['src_0', 'src_1'])
  add('mix_1', ['mix_0', 'src_2'])
  for (let i = 5; i < 20; i++) {
    const previous = ids[ids.length - 1] as string
    const other = ids[next(ids.length - 1)] as string
    add(`n${i}`, next(3) === 0 ? [previous] : [previous, other])
  }
  lines.push(`  output: ${ids[ids.length - 1] as string}`)
  return lines.join('\n') + '\n'
}

describe('the drawn DAG', () => {
  let n: WebNode
  let browser: Chromium

  beforeAll(async () => {
    n = await startWebNode()
    browser = await launchChromium(1280, 900)
  })
  afterAll(async () => {
    await browser?.close()
    await n?.stop()
  })

  async function upload (yaml: string): Promise<string> {
    const res = await fetch(`${n.url}/configs/upload`, { method: 'POST', body: yaml, headers: { 'content-type': 'text/yaml', ...n.authHeaders } })
    expect(res.status, await res.clone().text()).toBeLessThan(300)
    return (await res.json() as { id: string }).id
  }

  const seed = Number(process.env.DAG_SEED ?? Date.now() % 100000)
  const cases: Array<[string, () => Promise<string>, number, number]> = [
    ['montage', async () => await readFile(configPath('recipes', 'montage.yaml'), 'utf8'), 10, 10],
    [`a random 20-node DAG (DAG_SEED=${seed})`, async () => randomRecipe(seed), 20, 0]
  ]
  for (const [name, yaml, nodes, edges] of cases) {
    it(`should route no edge of ${name} through a box it does not connect, with labels of at least 11 px at 1280 px`, async () => {
      const text = await yaml()
      const parsed = parseRecipe(text)
      expect(parsed.ok, JSON.stringify(parsed)).toBe(true)
      const id = await upload(text)
      const page = await browser.context.newPage()
      await page.goto(`${n.url}/recipe/${id}`)
      const drawn = await drawnDag(page)
      expect(drawn.boxes).toHaveLength(nodes)
      if (edges > 0) expect(drawn.edges).toHaveLength(edges)
      else expect(drawn.edges.length).toBeGreaterThanOrEqual(nodes - 3)
      expect(crossings(drawn)).toEqual([])
      expect(drawn.labels).toBe(nodes * 2)
      expect(drawn.smallestLabel).toBeGreaterThanOrEqual(11)
      // the whole graph is in view at 1280 px: no box hidden behind a horizontal scroll
      const outside = drawn.boxes.filter((b) => b.left < drawn.frame.left || b.right > drawn.frame.right).map((b) => b.id)
      expect(outside).toEqual([])
      await page.close()
    })
  }
})

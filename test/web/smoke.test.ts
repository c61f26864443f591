import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWebNode, type WebNode } from '../fixtures/web-node.js'
import { PageClient } from './helpers.js'

describe('smoke', () => {
  let n: WebNode
  beforeAll(async () => { n = await startWebNode() })
  afterAll(async () => { await n?.stop() })
  it('should render pages', async () => {
    const c = new PageClient(n.url)
    for (const p of ['/', '/runs', '/recipes', '/media', '/recipe/dog', '/login']) {
      const { res, text } = await c.get(p)
      console.log(p, res.status, text.length, text.slice(0, 200).replace(/\n/g, ' '))
      expect(res.status).toBe(200)
    }
  })
})

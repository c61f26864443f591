import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from './harness.js'

describe('render', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => { await t?.stop() })

  it('should render the sample cat through dog and record provenance', async () => {
    const run = await t.node.runService.submit({ recipe: 'dog', inputs: ['cat'] })
    const done = await t.node.orchestrator.waitFor(run.id)
    expect(done.error).toBeUndefined()
    expect(done.status).toBe('completed')
    expect(done.outputCid).toMatch(/^baf/)
    expect(done.provenanceCid).toMatch(/^bagu/)
    const provenance = await t.node.store.getJson<{ run: string, output: { cid: string }, steps: Array<{ type: string, effect: { name: string } | null }> }>(done.provenanceCid as never)
    expect(provenance.run).toBe(run.id)
    expect(provenance.output.cid).toBe(done.outputCid)
    expect(provenance.steps.map((s: { type: string }) => s.type)).toEqual(['SOURCE', 'EFFECT'])
    expect(provenance.steps[1]?.effect?.name).toBe('dog')
    const out = []
    for await (const chunk of t.node.store.get(done.outputCid as never)) out.push(chunk)
    await (await import('node:fs/promises')).writeFile('test-results/dog-on-cat.png', Buffer.concat(out))
    const again = await t.node.runService.submit({ recipe: 'dog', inputs: ['cat'] })
    expect(again.id).toBe(run.id)
  })
})

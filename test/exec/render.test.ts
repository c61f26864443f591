import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { probeMedia } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'
import { startTestNode, type TestNode } from './harness.js'
import { planYaml } from './plans.js'

const SEQUENCE = `
name: two-inputs
dag:
  nodes:
    - { id: a, type: SOURCE, config: { input: true, name: a } }
    - { id: b, type: SOURCE, config: { input: true, name: b } }
    - { id: joined, type: SEQUENCE, config: { transition: { type: cut } }, inputs: [a, b] }
  output: joined
`

describe('render', () => {
  let t: TestNode
  let media: TestMedia | undefined
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => {
    await t?.stop()
    await media?.cleanup()
  })

  it('should render the sample cat through dog and record provenance', async () => {
    const { run } = await t.node.runService.submit({ recipe: 'dog', inputs: ['cat'] })
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
    const { run: again } = await t.node.runService.submit({ recipe: 'dog', inputs: ['cat'] })
    expect(again.id).toBe(run.id)
  })

  it('should render a step with two inputs, each written out for ffmpeg', async () => {
    media = await makeTestMedia()
    const clip = (await t.node.store.addFile(media.silentClip)).cid
    const still = (await t.node.store.addFile(media.image)).cid
    const plan = planYaml(SEQUENCE, [clip, still], t.node.effects)
    const done = await t.node.orchestrator.waitFor((await t.node.orchestrator.submit(plan)).run.id)
    expect(done.status, done.error).toBe('completed')
    const out = `${media.dir}/joined.mp4`
    await t.node.store.exportToFile(done.outputCid as never, out)
    const info = await probeMedia(out)
    expect(info.kind).toBe('video')
    // 1 s of clip, then the still for its default duration: longer than the clip alone
    expect(info.duration).toBeGreaterThan(1.5)
  }, 120_000)
})

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config/index.js'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { waitFor } from './mesh-fixture.js'

describe('node: the URL it advertises to peers', () => {
  let a: TestNode
  let b: TestNode
  let c: TestNode

  beforeAll(async () => {
    a = await startTestNode({ publicUrl: 'http://localhost:8101', config: { syncEnabled: true, meshUrl: 'http://node-a:8100' } })
    c = await startTestNode({ publicUrl: 'http://localhost:8103', config: { syncEnabled: true } })
    b = await startTestNode({ config: { syncEnabled: true, bootstrap: [a.node.mesh.multiaddrs()[0]!, c.node.mesh.multiaddrs()[0]!] } })
  }, 60_000)

  afterAll(async () => {
    await Promise.all([a, b, c].map(async (n) => { await n?.stop() }))
  })

  it('should advertise ARTDAG_MESH_URL over the public URL, and the public URL without it', async () => {
    expect(await waitFor(async () => await b.node.sync.peerUrl(a.node.mesh.peerId), 10_000, "A's URL")).toBe('http://node-a:8100')
    expect(await waitFor(async () => await b.node.sync.peerUrl(c.node.mesh.peerId), 10_000, "C's URL")).toBe('http://localhost:8103')
  })

  it('should refuse a mesh URL that is not a URL, naming the setting', () => {
    expect(() => loadConfig({ meshUrl: 'node-a:8100' })).toThrow('invalid configuration:\n  meshUrl (ARTDAG_MESH_URL): must be an http:// or https:// URL')
  })
})

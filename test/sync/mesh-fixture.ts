import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMeshNode, type MeshNode } from '../../src/mesh/index.js'
import { silentLogger } from '../../src/util/logger.js'
import { TEST_SWARM_KEY } from '../fixtures/swarm-key.js'

/** Real mesh nodes (Helia + libp2p on 127.0.0.1:0), each in its own temp dir */
export interface TestMesh {
  nodes: MeshNode[]
  dirs: string[]
  add(init?: { dataDir?: string }): Promise<MeshNode>
  /** dials b from a and waits until both see the connection */
  connect(a: MeshNode, b: MeshNode): Promise<void>
  stop(): Promise<void>
}

export async function createTestMesh (count: number): Promise<TestMesh> {
  const nodes: MeshNode[] = []
  const dirs: string[] = []
  const mesh: TestMesh = {
    nodes,
    dirs,
    async add (init = {}) {
      const dataDir = init.dataDir ?? await mkdtemp(join(tmpdir(), 'artdag-sync-'))
      if (!dirs.includes(dataDir)) dirs.push(dataDir)
      const node = await createMeshNode({ dataDir, logger: silentLogger(), listen: ['/ip4/127.0.0.1/tcp/0'], swarmKey: TEST_SWARM_KEY })
      nodes.push(node)
      return node
    },
    async connect (a, b) {
      const addr = b.multiaddrs()[0]
      if (addr == null) throw new Error('node has no address')
      await a.dial(addr)
    },
    async stop () {
      await Promise.all(nodes.map(async (n) => { await n.stop() }))
      await Promise.all(dirs.map(async (d) => { await rm(d, { recursive: true, force: true }) }))
    }
  }
  for (let i = 0; i < count; i++) await mesh.add()
  return mesh
}

/** polls until fn returns a value other than undefined, or throws after timeoutMs */
export async function waitFor<T> (fn: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await fn()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/state/types.js'
import { call } from '../api/helpers.js'
import { startWorker, type CliProcess } from '../fixtures/cli-process.js'
import { testPrefix, testRedisUrl } from '../fixtures/redis.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'

// two steps rendered by the worker, each result fetched by the node as the step completes
const RECIPE = `
name: invert-then-gray
dag:
  nodes:
    - id: input
      type: SOURCE
      config: { input: true, name: input }
    - id: inverted
      type: EFFECT
      config: { effect: invert }
      inputs: [input]
    - id: gray
      type: EFFECT
      config: { effect: grayscale }
      inputs: [inverted]
  output: gray
`

interface LogLine { msg?: string, cid?: string, path?: string, peer?: string, url?: string }

const lines = (node: NodeProcess): LogLine[] => node.log().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine)

/**
 * A (no workers of its own) connected to B and C, nodes with HTTP, and to W, an `artdag worker` for A
 * without HTTP. Each step result W renders is fetched by A from W over libp2p, with no HTTP round to B or C.
 */
describe('a result held by a worker', () => {
  const dirs: string[] = []
  const nodes: Record<string, NodeProcess> = {}
  let worker: CliProcess | undefined

  beforeAll(async () => {
    const dir = async (name: string): Promise<string> => { const d = await mkdtemp(join(tmpdir(), `artdag-wres-${name}-`)); dirs.push(d); return d }
    const prefix = testPrefix()
    nodes.a = await startNodeProcess(await dir('a'), { REDIS_URL: testRedisUrl(), ARTDAG_REDIS_PREFIX: prefix, ARTDAG_WORKERS: '0', LOG_LEVEL: 'info' })
    nodes.b = await startNodeProcess(await dir('b'), { ARTDAG_BOOTSTRAP: nodes.a.multiaddr })
    nodes.c = await startNodeProcess(await dir('c'), { ARTDAG_BOOTSTRAP: nodes.a.multiaddr })
    worker = startWorker(['--redis', testRedisUrl()], await dir('w'), {
      ARTDAG_REDIS_PREFIX: prefix,
      ARTDAG_BOOTSTRAP: nodes.a.multiaddr,
      ARTDAG_SWARM_KEY: TEST_SWARM_KEY_HEX
    })
  }, 180_000)

  afterAll(async () => {
    await worker?.stop()
    await Promise.all(Object.values(nodes).map(async (n) => { await n.stop() }))
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('should fetch it from the worker by libp2p, asking no node by HTTP first', async () => {
    const upload = await call<{ name: string }>(`${nodes.a!.url}/configs/upload`, { method: 'POST', json: { yaml: RECIPE } })
    expect(upload.status, JSON.stringify(upload.body)).toBeLessThan(300)
    const run = await call<RunRecord>(`${nodes.a!.url}/runs?wait=120`, { method: 'POST', json: { recipe: 'invert-then-gray', inputs: ['cat'] } })
    expect(run.body.status, run.body.error).toBe('completed')
    const rendered = run.body.steps.filter((s) => s.type === 'EFFECT').map((s) => s.cid)
    expect(rendered).toHaveLength(2)
    const log = lines(nodes.a!)
    for (const cid of rendered) {
      const about = log.filter((l) => l.cid === cid)
      expect(about.filter((l) => l.msg === 'bulk HTTP CAR fetch failed')).toEqual([])
      const complete = about.filter((l) => l.msg === 'bulk fetch complete')
      expect(complete).toHaveLength(1)
      expect(complete[0]).toMatchObject({ path: 'libp2p' })
      expect([nodes.b!.peerId, nodes.c!.peerId]).not.toContain(complete[0]?.peer)
    }
  }, 240_000)
})

import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runFfmpeg } from '../../src/effects/index.js'
import type { RunRecord } from '../../src/state/types.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'

const SYNC_INTERVAL_MS = 2000

async function upload (node: NodeProcess, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${node.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
  const body = await res.json() as { cid: string }
  expect(res.status, JSON.stringify(body)).toBeLessThan(300)
  return body.cid
}

async function render (node: NodeProcess, recipe: string, inputs: string[]): Promise<RunRecord> {
  const { status, body } = await node.api<RunRecord>('POST', '/runs?wait=120', { recipe, inputs })
  expect(status, JSON.stringify(body)).toBeLessThan(300)
  return body
}

async function until<T> (what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function peersOf (node: NodeProcess): Promise<string[]> {
  const info = await (await fetch(`${node.url}/`, { headers: { accept: 'application/json' } })).json() as { peers: string[] }
  return info.peers
}

describe('a cluster of node processes', () => {
  const dirs: Record<string, string> = {}
  const nodes: Record<string, NodeProcess> = {}
  const env = { ARTDAG_SYNC_INTERVAL_MS: String(SYNC_INTERVAL_MS), ARTDAG_FETCH_TIMEOUT_MS: '15000' }

  beforeAll(async () => {
    for (const name of ['a', 'b', 'c']) dirs[name] = await mkdtemp(join(tmpdir(), `artdag-cluster-${name}-`))
    nodes.a = await startNodeProcess(dirs.a!, env)
    nodes.b = await startNodeProcess(dirs.b!, { ...env, ARTDAG_BOOTSTRAP: nodes.a.multiaddr })
    // c knows only b: it discovers a through the LAN DHT and connects to it by itself
    nodes.c = await startNodeProcess(dirs.c!, { ...env, ARTDAG_BOOTSTRAP: nodes.b.multiaddr })
  }, 180_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map(async (n) => { await n.stop() }))
    for (const dir of Object.values(dirs)) await rm(dir, { recursive: true, force: true })
  })

  it('should serve on C content that only A has, C bootstrapped to B only, found through the LAN DHT', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17)
    const cid = await upload(nodes.a!, bytes)
    // no waiting for C to meet A: C asks its peers, then the DHT, where A writes a provider record for
    // what it keeps (in the background after the upload, so the first asks may come before it)
    const res = await until('C to find the content', 60_000, async () => {
      const r = await fetch(`${nodes.c!.url}/cache/${cid}`)
      if (r.status === 200) return r
      expect(r.status, await r.text()).toBe(404)
      return undefined
    })
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  }, 120_000)

  it('should reuse on B a step completed on A, without rendering on B', async () => {
    const onA = await render(nodes.a!, 'invert', ['cat'])
    expect(onA.status, onA.error).toBe('completed')
    const effectOnA = onA.steps.find((s) => s.type === 'EFFECT')!
    expect(effectOnA.status).toBe('completed')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const onB = await render(nodes.b!, 'invert', ['cat'])
    expect(onB.status, onB.error).toBe('completed')
    const effectOnB = onB.steps.find((s) => s.type === 'EFFECT')!
    expect(effectOnB).toMatchObject({ status: 'cached', source: 'peer', cid: effectOnA.cid })
    expect(onB.outputCid).toBe(onA.outputCid)
  }, 180_000)

  it('should catch up through IPNS after being offline, and be reconnected by the node bootstrapped to it', async () => {
    const port = nodes.b!.multiaddr.split('/')[4]!
    await nodes.b!.stop()
    const onA = await render(nodes.a!, 'grayscale', ['cat'])
    expect(onA.status, onA.error).toBe('completed')
    // a real restart, on the same port: C, bootstrapped to B, connects again by itself
    nodes.b = await startNodeProcess(dirs.b!, { ...env, ARTDAG_BOOTSTRAP: nodes.a!.multiaddr, ARTDAG_P2P_LISTEN: `/ip4/127.0.0.1/tcp/${port}` })
    await until('C to reconnect to the restarted B', 60_000, async () => (await peersOf(nodes.c!)).includes(nodes.b!.peerId) ? true : undefined)
    await new Promise((resolve) => setTimeout(resolve, SYNC_INTERVAL_MS + 5000))
    const onB = await render(nodes.b, 'grayscale', ['cat'])
    expect(onB.status, onB.error).toBe('completed')
    expect(onB.steps.find((s) => s.type === 'EFFECT')).toMatchObject({ status: 'cached', source: 'peer' })
  }, 180_000)

  it('should resume a run interrupted by killing its node, with nothing corrupted', async () => {
    const clip = join(dirs.a!, 'slow.mp4')
    await runFfmpeg(['-hide_banner', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=8', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', clip])
    const cid = await upload(nodes.a!, await readFile(clip))
    const { body: run } = await nodes.a!.api<RunRecord>('POST', '/runs', { recipe: 'blur', inputs: [cid], params: { radius: 40 } })
    await until('the blur step to start', 60_000, async () => {
      const { body } = await nodes.a!.api<RunRecord>('GET', `/runs/${run.id}`)
      return body.steps.some((s) => s.type === 'EFFECT' && (s.status === 'running')) ? true : undefined
    })
    await nodes.a!.stop('SIGKILL')
    nodes.a = await startNodeProcess(dirs.a!, env)
    const done = await until('the resumed run', 120_000, async () => {
      const { body } = await nodes.a!.api<RunRecord>('GET', `/runs/${run.id}`)
      return body.status === 'completed' || body.status === 'failed' ? body : undefined
    })
    expect(done.status, done.error).toBe('completed')
    const out = await fetch(`${nodes.a.url}/cache/${done.outputCid}`)
    expect(out.status).toBe(200)
    expect((await out.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    // the input survived the kill intact too
    const input = await fetch(`${nodes.a.url}/cache/${cid}`)
    expect(Buffer.from(await input.arrayBuffer()).equals(await readFile(clip))).toBe(true)
  }, 300_000)
})

import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clusterToken, SwarmKey } from '../../src/mesh/index.js'
import type { RunRecord } from '../../src/state/types.js'
import { call, expectError } from '../api/helpers.js'
import { TEST_SWARM_KEY } from '../fixtures/swarm-key.js'
import { ensureBuilt, startPeerProcess, type PeerProcess } from '../sync/process-fixture.js'
import { adminTokenFor, startNodeProcess, type NodeProcess } from './node-process.js'
import { until } from './sync-probe.js'

const OTHER_KEY = SwarmKey.generate()

async function peersOf (node: NodeProcess, bearer?: string): Promise<string[]> {
  const answer = await call<{ peers: string[] }>(`${node.url}/`, { headers: { accept: 'application/json', ...(bearer != null ? { authorization: `Bearer ${bearer}` } : {}) } })
  expect(answer.status).toBe(200)
  return answer.body.peers
}

/**
 * A: private reads, local auth. B: a member (public reads, no auth). X: a node started with another
 * swarm key and bootstrapped to A. Dev peers: a member client and a stranger without the key.
 */
describe('cluster membership', () => {
  const dirs: string[] = []
  const nodes: Record<string, NodeProcess> = {}
  const peers: PeerProcess[] = []
  let token: string
  let content: Buffer
  let cid: string

  beforeAll(async () => {
    ensureBuilt()
    const dir = async (name: string): Promise<string> => { const d = await mkdtemp(join(tmpdir(), `artdag-members-${name}-`)); dirs.push(d); return d }
    const env = { ARTDAG_FETCH_TIMEOUT_MS: '3000', ARTDAG_SYNC_INTERVAL_MS: '2000' }
    const dirA = await dir('a')
    token = await adminTokenFor(dirA)
    nodes.a = await startNodeProcess(dirA, { ...env, ARTDAG_AUTH: 'local', ARTDAG_PUBLIC_READS: 'false' })
    nodes.b = await startNodeProcess(await dir('b'), { ...env, ARTDAG_BOOTSTRAP: nodes.a.multiaddr, LOG_LEVEL: 'info' })
    // a node started after its bootstrap dial ended: connected or refused by then
    nodes.x = await startNodeProcess(await dir('x'), { ...env, ARTDAG_BOOTSTRAP: nodes.a.multiaddr, ARTDAG_SWARM_KEY: OTHER_KEY.fileText() })
    content = randomBytes(3 * 1024 * 1024 + 5)
    const res = await fetch(`${nodes.a.url}/cache/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' }, body: content })
    expect(res.status).toBe(201)
    cid = (await res.json() as { cid: string }).cid
  }, 180_000)

  afterAll(async () => {
    await Promise.all([...Object.values(nodes).map(async (n) => { await n.stop() }), ...peers.map(async (p) => { await p.stop() })])
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  it('should keep a node of another swarm key out: no connection, no content, no sync', async () => {
    expect(await peersOf(nodes.b!)).toContain(nodes.a!.peerId)
    expect(await peersOf(nodes.x!)).toEqual([])
    expect(await peersOf(nodes.a!, token)).not.toContain(nodes.x!.peerId)
    // content only A has: B gets it, X finds no one to ask
    const onB = await fetch(`${nodes.b!.url}/cache/${cid}`)
    expect(onB.status).toBe(200)
    expect(Buffer.from(await onB.arrayBuffer()).equals(content)).toBe(true)
    expect((await call(`${nodes.x!.url}/cache/${cid}`)).status).toBe(404)
    // X's credential is no good on A's HTTP either
    expectError(await call(`${nodes.a!.url}/ipfs/${cid}?format=car`, { headers: { 'x-artdag-cluster-token': clusterToken(OTHER_KEY, cid) } }),
      401, 'invalid-cluster-token', /not valid for this CID under this cluster's swarm key/)
    // sync: a step rendered on A is reused by B, rendered again by X
    const onA = await call<RunRecord>(`${nodes.a!.url}/runs?wait=120`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, json: { recipe: 'invert', inputs: ['cat'] } })
    expect(onA.body.status, onA.body.error).toBe('completed')
    const effect = (run: RunRecord): unknown => run.steps.find((s) => s.type === 'EFFECT')
    const onB2 = await call<RunRecord>(`${nodes.b!.url}/runs?wait=120`, { method: 'POST', json: { recipe: 'invert', inputs: ['cat'] } })
    expect(effect(onB2.body)).toMatchObject({ status: 'cached', source: 'peer' })
    const onX = await call<RunRecord>(`${nodes.x!.url}/runs?wait=120`, { method: 'POST', json: { recipe: 'invert', inputs: ['cat'] } })
    expect(onX.body.status, onX.body.error).toBe('completed')
    expect(effect(onX.body)).toMatchObject({ status: 'completed' })
    expect(effect(onX.body)).not.toMatchObject({ source: 'peer' })
  }, 240_000)

  it('should refuse a libp2p client without the key at connection, and let a member client pull by libp2p', async () => {
    const stranger = await startPeerProcess({ swarmKey: undefined })
    peers.push(stranger)
    await expect(stranger.call('dial', { addr: nodes.a!.multiaddr })).rejects.toThrow(/could not dial/)
    await expect(stranger.call('pullCar', { peer: nodes.a!.peerId, cid })).rejects.toThrow()
    expect(await peersOf(nodes.a!, token)).not.toContain(stranger.peerId)
    const member = await startPeerProcess()
    peers.push(member)
    await member.call('dial', { addr: nodes.a!.multiaddr })
    await until('A to list the member', 10_000, async () => (await peersOf(nodes.a!, token)).includes(member.peerId) ? true : undefined)
    const pulled = await member.call<{ blocks: number, bytes: number }>('pullCar', { peer: nodes.a!.peerId, cid })
    expect(pulled.blocks).toBeGreaterThan(1)
  }, 120_000)

  it('should answer anonymous GET /ipfs/{cid} with 401 when reads are private, and serve a member with a cluster token', async () => {
    expectError(await call(`${nodes.a!.url}/ipfs/${cid}?format=car`), 401, 'unauthorized', /does not allow anonymous reads/)
    expectError(await call(`${nodes.a!.url}/ipfs/${cid}?format=car`, { headers: { 'x-artdag-cluster-token': 'nonsense' } }), 401, 'invalid-cluster-token', /malformed/)
    const stale = clusterToken(TEST_SWARM_KEY, cid, Date.now() - 3_600_000)
    expectError(await call(`${nodes.a!.url}/ipfs/${cid}?format=car`, { headers: { 'x-artdag-cluster-token': stale } }), 401, 'invalid-cluster-token', /away from this node's clock/)
    // a token is good for its CID only
    expectError(await call(`${nodes.a!.url}/ipfs/${cid}?format=car`, { headers: { 'x-artdag-cluster-token': clusterToken(TEST_SWARM_KEY, 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem') } }), 401, 'invalid-cluster-token')
    const member = await startPeerProcess()
    peers.push(member)
    const pulled = await member.call<{ blocks: number, bytes: number }>('pullCarHttp', { url: nodes.a!.url, cid })
    expect(pulled.bytes).toBeGreaterThan(content.byteLength)
    const stranger = await startPeerProcess({ swarmKey: undefined })
    peers.push(stranger)
    await expect(stranger.call('pullCarHttp', { url: nodes.a!.url, cid })).rejects.toThrow(/answered 401 .*not valid for this CID under this cluster's swarm key/)
    // the node B pulled A's content by HTTP, with its token (the first test)
    const bulk = nodes.b!.log().split('\n').filter((l) => l.includes('"bulk fetch complete"') && l.includes(cid))
    expect(bulk.map((l) => (JSON.parse(l) as { path: string, peer: string })).map((r) => [r.path, r.peer])).toEqual([['http', nodes.a!.peerId]])
  }, 120_000)
})

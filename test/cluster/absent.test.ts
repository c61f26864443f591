import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLIENT, NODE24, run } from '../cli/run-cli.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'

/** a valid CID of bytes nobody stored */
const ABSENT = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'
/** far longer than the test may take: an absent CID must never wait for the fetch deadline */
const FETCH_TIMEOUT_MS = 600_000

async function waitForPeers (node: NodeProcess, count: number): Promise<void> {
  const deadline = Date.now() + 60_000
  for (;;) {
    const { body } = await node.api<{ peers?: unknown[] }>('GET', '/')
    if ((body.peers?.length ?? 0) >= count) return
    if (Date.now() > deadline) throw new Error(`${node.url} never saw ${count} peers: ${JSON.stringify(body)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

describe('a CID nobody has', () => {
  const dirs: string[] = []
  const nodes: NodeProcess[] = []
  const env = { ARTDAG_FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS) }

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) dirs.push(await mkdtemp(join(tmpdir(), `artdag-absent-${i}-`)))
    nodes.push(await startNodeProcess(dirs[0]!, env))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(nodes.map(async (n) => { await n.stop() }))
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it('should be 404 on a lone node for GET, HEAD and `artdag cache get`, naming that no peer was there to ask', async () => {
    const lone = nodes[0]!
    const got = await lone.api('GET', `/cache/${ABSENT}`)
    expect(got).toEqual({ status: 404, body: { error: 'content-not-found', message: `content ${ABSENT} is not held here, and no peer is connected or known to hold it` } })
    expect((await fetch(`${lone.url}/cache/${ABSENT}`, { method: 'HEAD' })).status).toBe(404)
    const cli = await run(NODE24, [CLIENT, '--server', lone.url, 'cache', 'get', ABSENT, '-'])
    expect(cli.code).not.toBe(0)
    expect(cli.stderr).toContain(`content ${ABSENT} is not held here, and no peer is connected or known to hold it`)
  }, 60_000)

  it('should be 404 in a cluster of three once both peers said no, with each answer named', async () => {
    nodes.push(await startNodeProcess(dirs[1]!, { ...env, ARTDAG_BOOTSTRAP: nodes[0]!.multiaddr }))
    nodes.push(await startNodeProcess(dirs[2]!, { ...env, ARTDAG_BOOTSTRAP: nodes[0]!.multiaddr }))
    await waitForPeers(nodes[0]!, 2)
    const got = await nodes[0]!.api<{ error: string, message: string }>('GET', `/cache/${ABSENT}`)
    expect(got.status).toBe(404)
    expect(got.body.error).toBe('content-not-found')
    expect(got.body.message).toMatch(new RegExp(`^content ${ABSENT} is not held here, and none of the 2 peer\\(s\\) asked has it: `))
    for (const peer of nodes.slice(1)) expect(got.body.message).toContain(peer.peerId)
  }, 180_000)
})

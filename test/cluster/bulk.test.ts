import { createHash, randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bySuite } from '../fixtures/suite.js'
import { startNodeProcess, type NodeProcess } from './node-process.js'

const MiB = 1024 * 1024
const FETCH_TIMEOUT_MS = 3000

async function upload (node: NodeProcess, bytes: Uint8Array): Promise<string> {
  const res = await fetch(`${node.url}/cache/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })
  const body = await res.json() as { cid: string }
  expect(res.status, JSON.stringify(body)).toBe(201)
  return body.cid
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')

/** bytes under a directory (the node's blockstore) */
async function sizeOf (dir: string): Promise<number> {
  let total = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => [])) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name)).catch(() => ({ size: 0 }))).size
  }
  return total
}

/** the log lines of a node with this message (JSON log at info level) */
function logLines (node: NodeProcess, msg: string): Array<{ cid: string, path: string, peer: string }> {
  return node.log().split('\n').filter((l) => l.includes(`"${msg}"`)).map((l) => JSON.parse(l) as { cid: string, path: string, peer: string })
}

const bulkFetches = (node: NodeProcess): Array<{ cid: string, path: string, peer: string }> => logLines(node, 'bulk fetch complete')

/** the pull of `cid` ends after its readers had their last byte (the root is written last): wait for it */
async function untilPulled (node: NodeProcess, cid: string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (bulkFetches(node).every((f) => f.cid !== cid)) {
    if (Date.now() > deadline) throw new Error(`the pull of ${cid} never completed`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('bulk path between node processes', () => {
  const dirs: Record<string, string> = {}
  const nodes: Record<string, NodeProcess> = {}
  const env = { ARTDAG_FETCH_TIMEOUT_MS: String(FETCH_TIMEOUT_MS) }

  beforeAll(async () => {
    for (const name of ['a', 'b']) dirs[name] = await mkdtemp(join(tmpdir(), `artdag-bulk-${name}-`))
    nodes.a = await startNodeProcess(dirs.a!, env)
    nodes.b = await startNodeProcess(dirs.b!, { ...env, ARTDAG_BOOTSTRAP: nodes.a.multiaddr, LOG_LEVEL: 'info' })
  }, 120_000)

  afterAll(async () => {
    await Promise.all(Object.values(nodes).map(async (n) => { await n.stop() }))
    for (const dir of Object.values(dirs)) await rm(dir, { recursive: true, force: true })
  })

  it('should fetch content only A has on B by the HTTP CAR path', async () => {
    const bytes = randomBytes(bySuite(4, 24) * MiB + 5)
    const cid = await upload(nodes.a!, bytes)
    const res = await fetch(`${nodes.b!.url}/cache/${cid}`)
    expect(res.status).toBe(200)
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(bytes))
    await untilPulled(nodes.b!, cid)
    expect(bulkFetches(nodes.b!)).toContainEqual(expect.objectContaining({ cid, path: 'http', peer: nodes.a!.peerId }))
    // now local on B: B serves it as a CAR itself
    expect((await fetch(`${nodes.b!.url}/ipfs/${cid}?format=car`, { method: 'HEAD' })).status).toBe(200)
  }, 60_000)

  it('should stream content it must pull to five clients at once through one pull, and keep it', async () => {
    const bytes = randomBytes(bySuite(6, 32) * MiB + 7)
    const cid = await upload(nodes.a!, bytes)
    const bodies = await Promise.all(Array.from({ length: 5 }, async () => {
      const res = await fetch(`${nodes.b!.url}/cache/${cid}`)
      return { status: res.status, sha: sha(Buffer.from(await res.arrayBuffer())) }
    }))
    expect(bodies).toEqual(Array.from({ length: 5 }, () => ({ status: 200, sha: sha(bytes) })))
    expect(logLines(nodes.b!, 'bulk fetch started').filter((l) => l.cid === cid)).toHaveLength(1)
    await untilPulled(nodes.b!, cid)
    expect((await fetch(`${nodes.b!.url}/ipfs/${cid}?format=car`, { method: 'HEAD' })).status).toBe(200)
    // a range of content B now holds
    const tail = await fetch(`${nodes.b!.url}/cache/${cid}`, { headers: { range: 'bytes=-100' } })
    expect(tail.status).toBe(206)
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.byteLength - 100))).toBe(true)
  }, 120_000)

  it('should answer a range while the pull brings it, and 404 at once for a CID no one has', async () => {
    const bytes = randomBytes(bySuite(6, 24) * MiB + 11)
    const cid = await upload(nodes.a!, bytes)
    const middle = await fetch(`${nodes.b!.url}/cache/${cid}`, { headers: { range: `bytes=${3 * MiB - 5}-${3 * MiB + 4}` } })
    expect(middle.status).toBe(206)
    expect(Buffer.from(await middle.arrayBuffer()).equals(bytes.subarray(3 * MiB - 5, 3 * MiB + 5))).toBe(true)

    const absent = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'
    const res = await fetch(`${nodes.b!.url}/cache/${absent}`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      error: 'content-not-found',
      message: expect.stringMatching(new RegExp(`^content ${absent} is not held here, and none of the 1 peer\\(s\\) asked has it: http http://127\\.0\\.0\\.1:\\d+ \\(peer ${nodes.a!.peerId}\\): CarRemoteError: `))
    })
  }, 60_000)

  it('should answer 502 naming the peer and the cause when A is killed mid-transfer, keep nothing, and fetch verified bytes after A restarts', async () => {
    // large enough that the pull is still far from the end when A dies: what B wrote to disk trails what
    // arrived by the blocks in flight and the sockets' buffers
    const bytes = randomBytes(bySuite(96, 160) * MiB)
    const cid = await upload(nodes.a!, bytes)
    const blocksDir = join(dirs.b!, 'helia', 'blocks')
    const before = await sizeOf(blocksDir)
    // a whole GET streams from the first blocks on; a range at the end waits for the pull to get there
    const whole = fetch(`${nodes.b!.url}/cache/${cid}`).then(async (res) => ({ status: res.status, body: await res.arrayBuffer().then((b) => b.byteLength, (err: Error) => err) }))
    const end = fetch(`${nodes.b!.url}/cache/${cid}`, { headers: { range: 'bytes=-10' } }).then(async (res) => ({ status: res.status, body: await res.text() }))
    // SIGKILL A once B has written the first block of the transfer
    const deadline = Date.now() + 30_000
    while (await sizeOf(blocksDir) - before < MiB) {
      if (Date.now() > deadline) throw new Error('the bulk transfer never started')
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    await nodes.a!.stop('SIGKILL')
    const failed = await end
    expect(failed.status).toBe(502)
    const error = JSON.parse(failed.body) as { error: string, message: string }
    expect(error.error).toBe('peer-broke-off')
    expect(error.message).toMatch(new RegExp(`^a peer broke off while sending ${cid}: http http://127\\.0\\.0\\.1:\\d+ \\(peer ${nodes.a!.peerId}\\): (CarTransferError|CarTruncatedError): `))
    // the whole GET had started: its body is cut short, never completed with wrong bytes
    const cut = await whole
    expect(cut.status).toBe(200)
    expect(cut.body instanceof Error || cut.body < bytes.byteLength).toBe(true)
    // nothing partial is stored or served: B has no root, serves no CAR and no bytes
    expect((await fetch(`${nodes.b!.url}/ipfs/${cid}?format=car`, { method: 'HEAD' })).status).toBe(404)

    // A comes back (same data dir, same peer id, new ports) and dials B
    nodes.a = await startNodeProcess(dirs.a!, { ...env, ARTDAG_BOOTSTRAP: nodes.b!.multiaddr })
    const res = await fetch(`${nodes.b!.url}/cache/${cid}`)
    expect(res.status).toBe(200)
    expect(sha(Buffer.from(await res.arrayBuffer()))).toBe(sha(bytes))
    await untilPulled(nodes.b!, cid)
    expect(bulkFetches(nodes.b!).filter((f) => f.cid === cid)).toEqual([expect.objectContaining({ path: 'http', peer: nodes.a.peerId })])
  }, 240_000)
})

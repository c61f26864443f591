import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildStoreDist } from '../fixtures/store-build.js'
import { startChildNode, type ChildNode } from '../fixtures/store-node-process.js'
import { readAll, startTestNode, tempDir, testBytes, type TestNode, removeDir } from '../fixtures/helia.js'
import type { Cid } from '../../src/dag/ids.js'

const MiB = 1024 * 1024

/**
 * Node A runs in a child process (a process start costs seconds under load, so the tests share it and
 * run in order); B and C run in the test process. Content is added on A only and checked byte for byte.
 */
describe('mesh node across processes', () => {
  let dist: Awaited<ReturnType<typeof buildStoreDist>>
  const children: ChildNode[] = []
  const nodes: TestNode[] = []
  let dirA: string
  let a: ChildNode
  let port: string
  const kept = testBytes(3 * MiB + 123, 11)
  let keptCid: Cid

  async function startA (): Promise<ChildNode> {
    const c = await startChildNode(dist.dir, { dataDir: dirA, listen: [`/ip4/127.0.0.1/tcp/${port}`], fetchTimeoutMs: 5000 })
    children.push(c)
    return c
  }

  beforeAll(async () => {
    dist = await buildStoreDist()
    dirA = await tempDir()
    port = '0'
  }, 120_000)
  afterAll(async () => {
    await Promise.all(children.map(async (c) => { await c.stop().catch(() => { c.kill() }) }))
    await Promise.all(nodes.map(async (n) => { await n.cleanup() }))
    await removeDir(dirA)
    await dist.cleanup()
  })

  it('should keep content, pins and the PeerId across a process restart', async () => {
    const first = await startA()
    const loose = testBytes(40_000, 12)
    keptCid = (await first.call<{ cid: Cid }>('addBytes', { base64: Buffer.from(kept).toString('base64') })).cid
    const b = await first.call<{ cid: Cid }>('addBytes', { base64: Buffer.from(loose).toString('base64') })
    await first.call('pin', { cid: keptCid, reason: 'run-output' })
    port = first.multiaddrs[0]?.split('/')[4] ?? '0'
    await first.stop()

    a = await startA()
    expect(a.peerId).toBe(first.peerId)
    expect(await a.call('pinReasons', { cid: keptCid })).toEqual(['run-output'])
    expect(await a.call('gc')).toEqual({ removed: 1 })
    expect(await a.call('has', { cid: b.cid })).toBe(false)
    const back = await a.call<{ base64: string }>('get', { cid: keptCid })
    expect(Buffer.compare(Buffer.from(back.base64, 'base64'), kept)).toBe(0)
  })

  it('should fetch by CID content that only another process has, byte for byte', async () => {
    const b = await startTestNode({ mesh: { bootstrap: a.multiaddrs } })
    nodes.push(b)
    expect(b.node.peers()).toContain(a.peerId)
    expect(await b.store.has(keptCid)).toBe(false)
    expect((await b.store.stat(keptCid)).local).toBe(false)
    const got = await readAll(b.store.get(keptCid, { timeoutMs: 10_000 }))
    expect(got.length).toBe(kept.length)
    expect(Buffer.compare(got, kept)).toBe(0)
    expect((await b.store.stat(keptCid)).local).toBe(true)
  })

  it('should let C fetch what A has through B in a line A-B-C', async () => {
    const bytes = testBytes(MiB + 7, 14)
    const { cid } = await a.call<{ cid: Cid }>('addBytes', { base64: Buffer.from(bytes).toString('base64') })
    const b = await startTestNode({ mesh: { bootstrap: a.multiaddrs } })
    const c = await startTestNode({ mesh: { bootstrap: b.node.multiaddrs() } })
    nodes.push(b, c)
    expect(c.node.peers()).toEqual([b.node.peerId])
    const got = await readAll(c.store.get(cid, { timeoutMs: 15_000 }))
    expect(Buffer.compare(got, bytes)).toBe(0)
    expect(await b.store.has(cid)).toBe(false)
    // pinning content only A has fetches all of it first
    const more = testBytes(2 * MiB + 5, 15)
    const second = await a.call<{ cid: Cid }>('addBytes', { base64: Buffer.from(more).toString('base64') })
    await c.store.pin(second.cid, 'run-input', { timeoutMs: 15_000 })
    expect((await c.store.stat(second.cid)).local).toBe(true)
    expect(await c.store.pinReasons(second.cid)).toEqual(['run-input'])
  })

  it('should connect to a bootstrap peer that starts after this node', async () => {
    const peerId = a.peerId
    await a.stop()
    const b = await startTestNode({ mesh: { bootstrap: a.multiaddrs, redialIntervalMs: 100 } })
    nodes.push(b)
    expect(b.node.peers()).not.toContain(peerId)
    a = await startA()
    await expect.poll(() => b.node.peers(), { timeout: 30_000, interval: 100 }).toContain(peerId)
  })

  it('should re-dial a bootstrap peer that went away and came back', async () => {
    const b = await startTestNode({ mesh: { bootstrap: a.multiaddrs, redialIntervalMs: 100 } })
    nodes.push(b)
    expect(b.node.peers()).toContain(a.peerId)
    const peerId = a.peerId
    await a.stop()
    await expect.poll(() => b.node.peers(), { timeout: 5000 }).not.toContain(peerId)
    // same data dir and port: same PeerId and address, so the bootstrap entry matches again
    a = await startA()
    await expect.poll(() => b.node.peers(), { timeout: 30_000, interval: 100 }).toContain(peerId)
  })
})

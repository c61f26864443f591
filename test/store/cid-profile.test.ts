import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, testBytes, type TestNode } from '../fixtures/helia.js'

const MiB = 1024 * 1024

/** CIDv1(raw, sha2-256(bytes)), computed without the store */
async function rawCid (bytes: Uint8Array): Promise<string> {
  return CID.createV1(0x55, await sha256.digest(bytes)).toString()
}

describe('content store CID profile (IPIP-499 unixfs-v1-2025)', () => {
  let t: TestNode
  beforeAll(async () => { t = await startTestNode() })
  afterAll(async () => { await t.cleanup() })

  it('should give the empty file the raw CID of zero bytes', async () => {
    const { cid, size } = await t.store.addBytes(new Uint8Array(0))
    expect(size).toBe(0)
    expect(cid).toBe(await rawCid(new Uint8Array(0)))
    expect(cid).toBe('bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku')
  })

  it('should give a 1 KiB file the raw CID of its bytes', async () => {
    const bytes = testBytes(1024, 7)
    const { cid } = await t.store.addBytes(bytes)
    expect(cid).toBe(await rawCid(bytes))
    expect(cid.startsWith('bafkrei')).toBe(true)
  })

  it('should give a file of exactly 1 MiB a single raw CID', async () => {
    const bytes = testBytes(MiB, 8)
    const { cid } = await t.store.addBytes(bytes)
    expect(cid).toBe(await rawCid(bytes))
  })

  it('should root a 3.5 MiB file in a dag-pb node over 1 MiB raw leaves', async () => {
    const bytes = testBytes(3.5 * MiB, 9)
    const sizes = [MiB, MiB, MiB, MiB / 2]
    const links: dagPb.PBLink[] = []
    let at = 0
    for (const s of sizes) {
      const leaf = bytes.subarray(at, at + s)
      links.push({ Hash: CID.createV1(0x55, await sha256.digest(leaf)), Name: '', Tsize: s })
      at += s
    }
    const data = new UnixFS({ type: 'file', blockSizes: sizes.map(BigInt) })
    const node = dagPb.encode(dagPb.prepare({ Data: data.marshal(), Links: links }))
    const expected = CID.createV1(dagPb.code, await sha256.digest(node)).toString()

    const viaStream = await t.store.addStream((async function * () {
      // odd-sized pieces: chunking must not depend on how the bytes arrive
      for (let i = 0; i < bytes.length; i += 333_333) yield bytes.subarray(i, i + 333_333)
    })())
    expect(viaStream.cid).toBe(expected)
    expect(viaStream.size).toBe(3.5 * MiB)
    expect((await t.store.addBytes(bytes)).cid).toBe(expected)
  })
})

import { randomBytes } from 'node:crypto'
import { unixfs } from '@helia/unixfs'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localBlockReader } from '../../../src/store/car/block-reader.js'
import { createTestMesh, type TestMesh } from '../../sync/mesh-fixture.js'
import type { MeshNode } from '../../../src/mesh/index.js'

describe('localBlockReader', () => {
  let mesh: TestMesh
  let a: MeshNode
  let root: CID

  beforeAll(async () => {
    mesh = await createTestMesh(1)
    a = mesh.nodes[0] as MeshNode
    root = await unixfs(a.helia).addBytes(randomBytes(2.5 * 1024 * 1024))
  })

  afterAll(async () => { await mesh.stop() })

  it('should read the same bytes through the filesystem fast path and through Helia get', async () => {
    const fast = localBlockReader(a.helia.blockstore)
    // a wrapper that hides the filesystem store: only get() is left
    const generic = localBlockReader({ get: (cid, options) => a.helia.blockstore.get(cid, options) })
    const rootBytes = Buffer.concat(await fast(root))
    expect(rootBytes.equals(Buffer.concat(await generic(root)))).toBe(true)
    for (const link of dagPb.decode(rootBytes).Links) {
      const bytes = Buffer.concat(await fast(link.Hash))
      expect(bytes.equals(Buffer.concat(await generic(link.Hash)))).toBe(true)
      expect(Buffer.from((await sha256.digest(bytes)).digest).equals(Buffer.from(link.Hash.multihash.digest))).toBe(true)
    }
  })

  it('should throw CarBlockMissingError for a block that is not local, on both paths', async () => {
    const missing = CID.createV1(raw.code, await sha256.digest(randomBytes(8)))
    const generic = localBlockReader({ get: (cid, options) => a.helia.blockstore.get(cid, options) })
    for (const read of [localBlockReader(a.helia.blockstore), generic]) {
      const err = await read(missing).catch((e: Error) => e)
      expect(err).toHaveProperty('name', 'CarBlockMissingError')
      expect((err as Error).message).toBe(`block ${missing.toString()} is not in the local blockstore`)
    }
  })
})

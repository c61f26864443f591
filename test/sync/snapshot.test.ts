import { randomBytes } from 'node:crypto'
import * as dagJson from '@ipld/dag-json'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { InvalidManifestError } from '../../src/sync/index.js'
import { SNAPSHOT_LEAF_MAX } from '../../src/sync/constants.js'
import { parseSnapshotNode, snapshotGet, snapshotInsert, type SnapshotBlocks } from '../../src/sync/snapshot.js'
import type { CacheId, Cid } from '../../src/dag/ids.js'

/** the tree's blocks in memory, DAG-JSON encoded like the content store does, counting reads */
function memoryBlocks (): SnapshotBlocks & { reads: number, size: number } {
  const blocks = new Map<string, Uint8Array>()
  const store = {
    reads: 0,
    get size () { return blocks.size },
    async put (node: unknown) {
      const bytes = dagJson.encode(node)
      const cid = CID.createV1(dagJson.code, await sha256.digest(bytes))
      blocks.set(cid.toString(), bytes)
      return cid
    },
    async get (cid: CID) {
      store.reads++
      const bytes = blocks.get(cid.toString())
      if (bytes == null) throw new Error(`no block ${cid.toString()}`)
      return dagJson.decode(bytes)
    }
  }
  return store
}

const id = (): CacheId => randomBytes(32).toString('hex') as CacheId
const OUT = 'bafkreiawjty4va4rkmxe6i44kvwaygkytluio7fsl3h26czrbrwdoe52d4' as Cid
const OUT2 = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy' as Cid

describe('snapshot tree', () => {
  it('should find every entry of a tree that split into branches, reading one block per level', async () => {
    const blocks = memoryBlocks()
    const entries = Array.from({ length: SNAPSHOT_LEAF_MAX * 8 }, () => [id(), OUT] as const)
    const { root, added } = await snapshotInsert(blocks, null, entries)
    expect(added).toBe(entries.length)
    for (const [cacheId] of entries.slice(0, 50)) {
      blocks.reads = 0
      expect(await snapshotGet(blocks, root, cacheId)).toBe(OUT)
      expect(blocks.reads).toBe(2) // a branch, then the leaf
    }
    expect(await snapshotGet(blocks, root, id())).toBeUndefined()
    expect(await snapshotGet(blocks, null, id())).toBeUndefined()
  })

  it('should rewrite only the touched path on insert, and let a later CID win', async () => {
    const blocks = memoryBlocks()
    const entries = Array.from({ length: SNAPSHOT_LEAF_MAX * 4 }, () => [id(), OUT] as const)
    const first = await snapshotInsert(blocks, null, entries)
    const before = blocks.size
    const [changed] = entries[7] as readonly [CacheId, Cid]
    const second = await snapshotInsert(blocks, first.root, [[changed, OUT2]])
    expect(second.added).toBe(0)
    expect(blocks.size - before).toBe(2) // a new leaf and a new root
    expect(await snapshotGet(blocks, second.root, changed)).toBe(OUT2)
    expect(await snapshotGet(blocks, first.root, changed)).toBe(OUT)
  })

  it('should refuse nodes that are neither a leaf nor a 16-way branch', () => {
    expect(() => parseSnapshotNode({ branch: [null] }, 'x')).toThrow(InvalidManifestError)
    expect(() => parseSnapshotNode({ leaf: [['zz', OUT]] }, 'x')).toThrow(InvalidManifestError)
    expect(() => parseSnapshotNode('nope', 'x')).toThrow(InvalidManifestError)
    expect(parseSnapshotNode({ leaf: [] }, 'x')).toEqual({ leaf: [] })
  })
})

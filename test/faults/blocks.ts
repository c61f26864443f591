import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import type { L1Node } from '../../src/node.js'

/** bytes of one block straight from the node's blockstore (no verification) */
async function rawBlock (node: L1Node, cid: CID): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of node.mesh.helia.blockstore.get(cid, { offline: true } as { offline: boolean })) parts.push(part)
  return Buffer.concat(parts)
}

/** the CID of the `index`-th leaf of a multi-block file (its root is dag-pb) */
export async function leafOf (node: L1Node, root: string, index: number): Promise<CID> {
  const cid = CID.parse(root)
  if (cid.code !== dagPb.code) throw new Error(`${root} is a single block, it has no leaves`)
  const link = dagPb.decode(await rawBlock(node, cid)).Links[index]
  if (link == null) throw new Error(`${root} has no leaf ${index}`)
  return link.Hash
}

/** Flips one byte of the block's file under `<dataDir>/helia/blocks`, as bit rot on disk would */
export async function damageBlock (node: L1Node, dataDir: string, block: CID): Promise<void> {
  const bytes = await rawBlock(node, block)
  const root = join(dataDir, 'helia', 'blocks')
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    if (Buffer.compare(await readFile(path), bytes) !== 0) continue
    const damaged = Buffer.from(bytes)
    const at = Math.floor(damaged.length / 2)
    damaged[at] = (damaged[at] ?? 0) ^ 0xff
    await writeFile(path, damaged)
    return
  }
  throw new Error(`no file under ${root} holds block ${block.toString()}`)
}

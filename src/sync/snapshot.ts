import { CID } from 'multiformats/cid'
import { asCid, isHexId, type CacheId, type Cid } from '../dag/index.js'
import { SNAPSHOT_LEAF_MAX } from './constants.js'
import { InvalidManifestError } from './errors.js'

/**
 * A snapshot is a node's whole published state as a prefix tree over cache ids (hex): a leaf lists up
 * to SNAPSHOT_LEAF_MAX entries sorted by cache id; a full leaf becomes a branch of 16 children, one per
 * next hex digit. Looking one cache id up reads one block per level (3 levels for a million entries);
 * an insert rewrites only the blocks on the paths it touches, so unchanged subtrees keep their CIDs.
 * Output CIDs are strings, never links: pinning a snapshot never pins the outputs.
 */
export type SnapshotNode = { leaf: Array<[CacheId, Cid]> } | { branch: Array<CID | null> }

/** where the blocks of a tree are read and written (the content store, or memory in the simulation) */
export interface SnapshotBlocks {
  put(node: SnapshotNode): Promise<CID>
  get(cid: CID): Promise<unknown>
}

const HEX = '0123456789abcdef'

/** Checks a decoded tree node; `where` is its CID, for messages */
export function parseSnapshotNode (value: unknown, where: string): SnapshotNode {
  const v = value as Record<string, unknown> | null
  if (v != null && Array.isArray(v.branch)) {
    const children = v.branch.map((c) => (c === null ? null : CID.asCID(c)))
    if (children.length !== 16 || children.some((c) => c === undefined)) throw new InvalidManifestError(`snapshot branch is not 16 CID links or nulls of ${where}`)
    return { branch: children as Array<CID | null> }
  }
  if (v == null || !Array.isArray(v.leaf) || v.leaf.length > SNAPSHOT_LEAF_MAX) throw new InvalidManifestError(`snapshot node is neither a leaf of at most ${SNAPSHOT_LEAF_MAX} entries nor a branch of ${where}`)
  for (const e of v.leaf as unknown[]) {
    if (!Array.isArray(e) || e.length !== 2 || typeof e[0] !== 'string' || !isHexId(e[0]) || typeof e[1] !== 'string') {
      throw new InvalidManifestError(`snapshot leaf entry is not [cacheId, cid] of ${where}`)
    }
  }
  return { leaf: v.leaf as Array<[CacheId, Cid]> }
}

async function read (blocks: SnapshotBlocks, cid: CID): Promise<SnapshotNode> {
  return parseSnapshotNode(await blocks.get(cid), cid.toString())
}

/** the CID a snapshot lists for a cache id, reading one block per level */
export async function snapshotGet (blocks: SnapshotBlocks, root: CID | null, cacheId: CacheId): Promise<Cid | undefined> {
  let next = root
  for (let depth = 0; next != null; depth++) {
    const node = await read(blocks, next)
    if ('leaf' in node) {
      const hit = node.leaf.find(([id]) => id === cacheId)
      if (hit == null) return undefined
      try {
        return asCid(hit[1])
      } catch {
        throw new InvalidManifestError(`snapshot entry of ${cacheId} has an invalid CID in ${next.toString()}`)
      }
    }
    next = node.branch[HEX.indexOf(cacheId[depth] ?? '')] ?? null
  }
  return undefined
}

/**
 * Adds entries (a later one wins for the same cache id) and returns the new root and how many cache
 * ids were new to the tree.
 */
export async function snapshotInsert (blocks: SnapshotBlocks, root: CID | null, entries: ReadonlyArray<readonly [CacheId, Cid]>): Promise<{ root: CID | null, added: number }> {
  if (entries.length === 0) return { root, added: 0 }
  const latest = new Map<CacheId, Cid>()
  for (const [id, cid] of entries) latest.set(id, cid)
  return await insertAt(blocks, root, [...latest], 0)
}

async function insertAt (blocks: SnapshotBlocks, at: CID | null, entries: Array<[CacheId, Cid]>, depth: number): Promise<{ root: CID, added: number }> {
  const node: SnapshotNode = at == null ? { leaf: [] } : await read(blocks, at)
  if ('branch' in node) {
    const children = [...node.branch]
    let added = 0
    for (const [digit, group] of byDigit(entries, depth)) {
      const child = await insertAt(blocks, children[digit] ?? null, group, depth + 1)
      children[digit] = child.root
      added += child.added
    }
    return { root: await blocks.put({ branch: children }), added }
  }
  const merged = new Map(node.leaf)
  const before = merged.size
  for (const [id, cid] of entries) merged.set(id, cid)
  const added = merged.size - before
  // cache ids are 64 hex digits: at that depth every entry of a leaf has the same id, so it never splits
  if (merged.size <= SNAPSHOT_LEAF_MAX || depth >= 64) {
    const leaf = [...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return { root: await blocks.put({ leaf }), added }
  }
  const children: Array<CID | null> = new Array<CID | null>(16).fill(null)
  for (const [digit, group] of byDigit([...merged], depth)) children[digit] = (await insertAt(blocks, null, group, depth + 1)).root
  return { root: await blocks.put({ branch: children }), added }
}

function byDigit (entries: Array<[CacheId, Cid]>, depth: number): Map<number, Array<[CacheId, Cid]>> {
  const groups = new Map<number, Array<[CacheId, Cid]>>()
  for (const e of entries) {
    const digit = HEX.indexOf(e[0][depth] ?? '')
    const group = groups.get(digit)
    if (group == null) groups.set(digit, [e])
    else group.push(e)
  }
  return groups
}

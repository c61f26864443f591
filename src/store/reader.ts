import * as dagPb from '@ipld/dag-pb'
import { UnixFS } from 'ipfs-unixfs'
import { DAG_PB_CODE, RAW_CODE, READ_AHEAD_BLOCKS } from './constants.js'
import { InvalidRangeError, NotAFileError } from './errors.js'
import type { CID } from 'multiformats/cid'

export type GetBlock = (cid: CID, signal: AbortSignal) => Promise<Uint8Array>

export interface FileNode {
  size: number
  /** the decoded root (undefined for a raw block) */
  pb?: dagPb.PBNode
  unixfs?: UnixFS
  raw?: Uint8Array
}

/** Decodes the root of a UnixFS file (a raw block or a dag-pb file node); anything else is NotAFileError */
export function fileNode (cid: CID, block: Uint8Array): FileNode {
  if (cid.code === RAW_CODE) return { size: block.byteLength, raw: block }
  if (cid.code !== DAG_PB_CODE) throw new NotAFileError(`CID ${cid.toString()} is not a file (codec 0x${cid.code.toString(16)})`)
  const pb = dagPb.decode(block)
  let unixfs: UnixFS
  try {
    if (pb.Data == null) throw new Error('no data')
    unixfs = UnixFS.unmarshal(pb.Data)
  } catch {
    throw new NotAFileError(`CID ${cid.toString()} is not a UnixFS node`)
  }
  if (unixfs.type !== 'file' && unixfs.type !== 'raw') throw new NotAFileError(`CID ${cid.toString()} is a ${unixfs.type}, not a file`)
  return { size: Number(unixfs.fileSize()), pb, unixfs }
}

/**
 * Streams bytes [start, end) of a UnixFS file, depth first, reading at most READ_AHEAD_BLOCKS sibling
 * blocks ahead of the consumer. Unlike ipfs-unixfs-exporter (which pushes every block into an
 * unbounded queue whatever the consumer's pace), memory stays bounded for any file size. Kept over the
 * library by the store bench (its "our range reader vs ipfs-unixfs-exporter" line) and a test that both
 * give the same bytes for every range (test/store/reader-equality.test.ts, pinned to the measured version).
 */
export async function * readRange (node: FileNode, start: number, end: number, getBlock: GetBlock, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (start > node.size) throw new InvalidRangeError(`offset ${start} is past the end of the content (${node.size} bytes)`)
  yield * walk(node, 0, start, Math.min(end, node.size), getBlock, signal)
}

async function * walk (node: FileNode, at: number, start: number, end: number, getBlock: GetBlock, signal: AbortSignal): AsyncGenerator<Uint8Array> {
  if (node.raw != null) {
    const from = Math.max(start - at, 0)
    const to = Math.min(end - at, node.raw.byteLength)
    if (to > from) yield node.raw.subarray(from, to)
    return
  }
  const { pb, unixfs } = node
  if (pb == null || unixfs == null) return
  let pos = at
  if (unixfs.data != null && unixfs.data.byteLength > 0) {
    const from = Math.max(start - pos, 0)
    const to = Math.min(end - pos, unixfs.data.byteLength)
    if (to > from) yield unixfs.data.subarray(from, to)
    pos += unixfs.data.byteLength
  }
  if (pb.Links.length !== unixfs.blockSizes.length) throw new NotAFileError('inconsistent UnixFS node: links and block sizes differ')
  const wanted: Array<{ cid: CID, at: number }> = []
  for (let i = 0; i < pb.Links.length; i++) {
    const size = Number(unixfs.blockSizes[i])
    const link = pb.Links[i]
    if (link != null && pos + size > start && pos < end) wanted.push({ cid: link.Hash, at: pos })
    pos += size
    if (pos >= end) break
  }
  const pending: Array<Promise<Uint8Array>> = []
  let next = 0
  for (const child of wanted) {
    while (pending.length < READ_AHEAD_BLOCKS && next < wanted.length) {
      const p = getBlock((wanted[next++] as { cid: CID }).cid, signal)
      p.catch(() => {}) // awaited below in order; this only stops an early exit leaving it unhandled
      pending.push(p)
    }
    const block = await (pending.shift() as Promise<Uint8Array>)
    yield * walk(fileNode(child.cid, block), child.at, start, end, getBlock, signal)
  }
}

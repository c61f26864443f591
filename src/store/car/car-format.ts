import * as dagCbor from '@ipld/dag-cbor'
import { varint } from 'multiformats'
import type { CID } from 'multiformats/cid'

/** CARv1 header `{version: 1, roots: [root]}`, length-prefixed */
export function encodeHeader (root: CID): Uint8Array {
  return lengthPrefixed([dagCbor.encode({ version: 1, roots: [root] })])
}

/** One CARv1 section: varint(len(cid) + len(block)) | cid | block */
export function encodeSection (cid: CID, bytes: Uint8Array): Uint8Array[] {
  return [sectionPrefix(cid, bytes.byteLength), bytes]
}

/** The start of a CARv1 section whose block has `blockBytes` bytes: varint(len(cid) + blockBytes) | cid */
export function sectionPrefix (cid: CID, blockBytes: number): Uint8Array {
  const size = cid.bytes.byteLength + blockBytes
  const lenBytes = varint.encodingLength(size)
  const prefix = new Uint8Array(lenBytes + cid.bytes.byteLength)
  varint.encodeTo(size, prefix)
  prefix.set(cid.bytes, lenBytes)
  return prefix
}

function lengthPrefixed (parts: Uint8Array[]): Uint8Array {
  const size = parts.reduce((n, p) => n + p.byteLength, 0)
  const lenBytes = varint.encodingLength(size)
  const out = new Uint8Array(lenBytes + size)
  varint.encodeTo(size, out)
  let at = lenBytes
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

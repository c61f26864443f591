import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import * as dagPb from '@ipld/dag-pb'
import { CID } from 'multiformats/cid'
import { DAG_CBOR_CODE, DAG_JSON_CODE, DAG_PB_CODE, RAW_CODE, SHA2_256_CODE } from './constants.js'
import { CarUnsupportedCidError } from './errors.js'

/** Throws CarUnsupportedCidError unless the CID uses a codec and hash the bulk path handles */
export function checkSupported (cid: CID): void {
  const codec = cid.code
  if (codec !== RAW_CODE && codec !== DAG_PB_CODE && codec !== DAG_CBOR_CODE && codec !== DAG_JSON_CODE) {
    throw new CarUnsupportedCidError(`block ${cid.toString()} uses codec 0x${codec.toString(16)}; only raw, dag-pb, dag-cbor and dag-json are supported`)
  }
  if (cid.multihash.code !== SHA2_256_CODE) {
    throw new CarUnsupportedCidError(`block ${cid.toString()} uses multihash 0x${cid.multihash.code.toString(16)}; only sha2-256 is supported`)
  }
}

/** The links of a block in the order IPIP-402 'dfs' visits them */
export function linksOf (cid: CID, bytes: Uint8Array): CID[] {
  switch (cid.code) {
    case RAW_CODE:
      return []
    case DAG_PB_CODE:
      return dagPb.decode(bytes).Links.map((l) => l.Hash)
    case DAG_CBOR_CODE:
      return collectLinks(dagCbor.decode(bytes), [])
    case DAG_JSON_CODE:
      return collectLinks(dagJson.decode(bytes), [])
    default:
      throw new CarUnsupportedCidError(`block ${cid.toString()} uses codec 0x${cid.code.toString(16)}; only raw, dag-pb, dag-cbor and dag-json are supported`)
  }
}

/** Links of a decoded IPLD value, depth-first, map keys in their encoded (sorted) order */
function collectLinks (value: unknown, out: CID[]): CID[] {
  const cid = CID.asCID(value)
  if (cid != null) {
    out.push(cid)
  } else if (Array.isArray(value)) {
    for (const v of value) collectLinks(v, out)
  } else if (value != null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    for (const v of Object.values(value)) collectLinks(v, out)
  }
  return out
}

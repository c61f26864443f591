import { createHash } from 'node:crypto'
import { IDENTITY_CODE, SHA2_256_CODE } from './constants.js'
import { CorruptContentError, InvalidCidError } from './errors.js'
import type { Blocks } from '@helia/interface'
import { concatBytes } from '../util/index.js'
import type { AbortOptions } from './types.js'
import type { LocalBlockReader } from './car/block-reader.js'
import type { CID } from 'multiformats/cid'

function equals (a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
}

/** Joins the chunks of one block (a block is at most ~1 MiB, so this is bounded) */
export async function collect (chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of chunks) parts.push(part)
  return concatBytes(parts)
}

/** Throws CorruptContentError unless the bytes hash to the CID's multihash */
export function verifyBlock (cid: CID, bytes: Uint8Array): void {
  const code = cid.multihash.code
  if (code === IDENTITY_CODE) {
    if (!equals(cid.multihash.digest, bytes)) throw corrupt(cid)
    return
  }
  if (code !== SHA2_256_CODE) {
    throw new InvalidCidError(`CID ${cid.toString()} uses multihash 0x${code.toString(16)}; only sha2-256 is supported`)
  }
  const digest = createHash('sha256').update(bytes).digest()
  if (!equals(digest, cid.multihash.digest)) throw corrupt(cid)
}

function corrupt (cid: CID): CorruptContentError {
  return new CorruptContentError(`block ${cid.toString()} is corrupt: its bytes do not match its CID`, { block: cid.toString() })
}

/**
 * A read view of Helia's blockstore that checks every block against its CID before handing it on.
 * Helia verifies blocks fetched from peers but not blocks read from the local blockstore, so a block
 * file damaged on disk would otherwise be served as if it were the content.
 */
export class VerifyingBlocks {
  /**
   * @param drop removes a block that failed verification from the local blockstore; Helia checks blocks
   * that come from peers, so a mismatch here is always damage on this node's disk
   * @param readLocal reads a block file of this node in one piece (the generic `get` streams a 1 MiB block
   * in 64 KiB reads, then joins them); a block it does not have comes through `blocks.get`, peers included
   */
  constructor (private readonly blocks: Pick<Blocks, 'get' | 'has'>, private readonly drop?: (cid: CID) => Promise<void>,
    private readonly readLocal?: LocalBlockReader) {}

  async getBlock (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    const bytes = await this.read(cid, options)
    try {
      verifyBlock(cid, bytes)
    } catch (err) {
      if ((err as Error).name === 'CorruptContentError') await this.drop?.(cid)
      throw err
    }
    return bytes
  }

  private async read (cid: CID, options?: AbortOptions): Promise<Uint8Array> {
    if (this.readLocal != null) {
      try {
        return concatBytes(await this.readLocal(cid, options?.signal))
      } catch (err) {
        if ((err as Error).name !== 'CarBlockMissingError') throw err
      }
    }
    return await collect(this.blocks.get(cid, options))
  }

  async * get (cid: CID, options?: AbortOptions): AsyncGenerator<Uint8Array> {
    yield await this.getBlock(cid, options)
  }

  async put (cid: CID): Promise<CID> {
    throw new Error(`read-only view: cannot put ${cid.toString()}`)
  }

  async has (cid: CID, options?: AbortOptions): Promise<boolean> {
    return await this.blocks.has(cid, options)
  }
}

/** A map key for a block: its multihash (the same bytes under raw or dag-pb are the same block) */
export function mhKey (cid: CID): string {
  return Buffer.from(cid.multihash.bytes).toString('base64')
}

import { open } from 'node:fs/promises'
import { join } from 'node:path'
import type { BufferPool } from './buffer-pool.js'
import { RAW_CODE } from './constants.js'
import { CarBlockMissingError } from './errors.js'
import { fsBlockstoreOf } from './fs-blockstore.js'
import type { Blockstore } from 'interface-blockstore'
import type { CID } from 'multiformats/cid'

/** reads one local block as the chunks it arrived in (no network, never a copy it does not need) */
export type LocalBlockReader = (cid: CID, signal?: AbortSignal) => Promise<Uint8Array[]>

/**
 * A reader of local blocks for the CAR export. Over a filesystem blockstore it reads each block file
 * with one read into a buffer of the file's size: the generic `get` streams 64 KiB pieces (16 thread-pool
 * round trips and allocations per 1 MiB block), which made the export the bottleneck of the bulk path.
 * With a `pool`, a raw leaf that fits is read into one of its buffers (the consumer gives it back once
 * nothing reads it any more). Any other blockstore is read through `get(cid, {offline: true})`.
 */
export function localBlockReader (blockstore: Pick<Blockstore, 'get'>, pool?: BufferPool): LocalBlockReader {
  const fs = fsBlockstoreOf(blockstore)
  if (fs != null) {
    return async (cid, signal) => {
      signal?.throwIfAborted()
      const { dir, file } = fs.shardingStrategy.encode(cid)
      let handle
      try {
        handle = await open(join(fs.path, dir, file), 'r')
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CarBlockMissingError(`block ${cid.toString()} is not in the local blockstore`)
        throw err
      }
      try {
        const { size } = await handle.stat()
        // only raw leaves go into pooled memory: the CIDs decoded from a node's links are views of its bytes
        const bytes = pool != null && cid.code === RAW_CODE && size <= pool.bufferBytes ? pool.take(size) : new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size)
        let at = 0
        while (at < size) {
          const { bytesRead } = await handle.read(bytes, at, size - at, at)
          if (bytesRead === 0) break
          at += bytesRead
        }
        return [at === size ? bytes : bytes.subarray(0, at)]
      } finally {
        await handle.close()
      }
    }
  }
  return async (cid, signal) => {
    const parts: Uint8Array[] = []
    // `offline` is Helia's: its blockstore never turns a local read into a network fetch
    const options = { offline: true, signal }
    try {
      for await (const part of blockstore.get(cid, options)) parts.push(part)
    } catch (err) {
      if ((err as Error).name === 'BlockNotFoundWhileOfflineError' || (err as Error).name === 'NotFoundError') {
        throw new CarBlockMissingError(`block ${cid.toString()} is not in the local blockstore`)
      }
      throw err
    }
    return parts
  }
}

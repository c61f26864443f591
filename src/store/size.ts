import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Blocks } from '@helia/interface'

/** Bytes on disk under a folder (recursive); 0 when it does not exist */
export async function dirSize (dir: string): Promise<number> {
  let entries
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true })
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw err
  }
  let total = 0
  for (const entry of entries) {
    if (!entry.isFile()) continue
    try {
      total += (await stat(join(entry.parentPath, entry.name))).size
    } catch (err) {
      // removed while we counted (gc)
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return total
}

/**
 * Total bytes of the local blockstore: the size of its folder when known (cheap: no block is read),
 * otherwise the sum of every block's length.
 */
export async function blocksSize (blocks: Pick<Blocks, 'getAll'>, blocksDir?: string): Promise<number> {
  if (blocksDir != null) return await dirSize(blocksDir)
  let total = 0
  for await (const { bytes } of blocks.getAll()) {
    for await (const part of bytes) total += part.byteLength
  }
  return total
}

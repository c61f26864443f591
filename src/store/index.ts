import { join } from 'node:path'
import { HeliaContentStore } from './content-store.js'
import type { ContentStore } from './types.js'
import type { RemoteFetcher } from './remote/index.js'
import type { Cid } from '../dag/index.js'
import type { Logger } from '../util/index.js'
import type { Helia } from '@helia/interface'

export type * from './types.js'
export * from './errors.js'
export { importFile, resolveImportPath, type ImportFileInit } from './import.js'
export { CHUNK_SIZE, MAX_CHILDREN_PER_NODE, PIN_REASONS } from './constants.js'

/** The parts of Helia the store uses */
export type StoreHelia = Pick<Helia, 'blockstore' | 'datastore' | 'pins' | 'getCodec'>

export interface ContentStoreInit {
  helia: StoreHelia
  /** node data dir: the blockstore folder is `<dataDir>/helia/blocks` (size() measures it) @default size() sums blocks */
  dataDir?: string
  logger: Logger
  /** max wait for each next block of content that is not local @default 30_000 */
  fetchTimeoutMs?: number
  /** quota of the blockstore in bytes; an add that would pass it fails with StoreFullError @default unlimited */
  maxBytes?: number
  /**
   * told when a read found a block of `cid` damaged on disk (the block is already dropped): the owner
   * forgets what pointed at those bytes, e.g. the cache index entries of the steps that produced them
   */
  onCorrupt?: (event: CorruptContentEvent) => Promise<void> | void
  /** bytes of small, verified, whole local files kept in memory for fast reads (0: none) @default 64 MiB */
  hotFilesBytes?: number
  /** content from peers (src/store/remote): a file whose root is not local is read from its shared pull as the blocks arrive, a file pinned whole is provided on the DHT @default bitswap only */
  remote?: Pick<RemoteFetcher, 'open' | 'running' | 'provide'>
}

export interface CorruptContentEvent {
  /** the content (file or DAG-JSON root) that was being read */
  cid: Cid
  /** the damaged block */
  block: string
}

export function createContentStore (init: ContentStoreInit): ContentStore {
  return new HeliaContentStore({ ...init, blocksDir: init.dataDir != null ? join(init.dataDir, 'helia', 'blocks') : undefined })
}
export { BufferPool, CAR_CONTENT_TYPE, DEFAULT_EXPORT_READ_AHEAD, POOL_BUFFER_BYTES, RAW_BLOCK_CONTENT_TYPE, checkSupported, createCarServer, exportCar, fsBlockstoreOf, pullCar, pullCarHttp } from './car/index.js'
export type { CarBlockSource } from './car/index.js'
export { createRemoteFetcher } from './remote/index.js'

import type { CacheId, Cid, PlanId } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import type { AddResult, ContentStore, StoreHold } from '../store/index.js'
import type { Logger } from '../util/index.js'

/**
 * The narrow views of other concepts the content library uses; the real ones are
 * src/store's ContentStore, src/state's ContentIndex / RunStore / CacheIndex and src/auth's L2 client.
 */
export interface ContentMetaRecord {
  cid: Cid
  size: number
  mediaType: string
  name?: string
  addedAt: string
}

export interface ContentIndexPort {
  /** lists the CID unless it is listed already (the first metadata stays); created: this call listed it */
  add(cid: Cid, meta: { size: number, mediaType: string, name?: string, addedAt?: string }): Promise<{ entry: ContentMetaRecord, created: boolean }>
  meta(cid: Cid): Promise<ContentMetaRecord | undefined>
  refs(cid: Cid): Promise<number>
  removeRef(cid: Cid): Promise<number>
  remove(cid: Cid): Promise<boolean>
  isPublished(cid: Cid): Promise<boolean>
  setPublished(cid: Cid, published: boolean): Promise<void>
}

export interface RunStorePort {
  get(id: PlanId): Promise<RunRecord | undefined>
  delete(id: PlanId): Promise<boolean>
}

export interface CacheIndexPort {
  entries(cursor?: string, count?: number): Promise<{ entries: Array<{ cacheId: CacheId, cid: Cid }>, cursor: string }>
  delete(cacheId: CacheId): Promise<void>
}

export interface PublishedPort {
  isPublished(cid: Cid, options?: { signal?: AbortSignal }): Promise<boolean>
}

/** Adds a file from the server's disk, only from the configured import directories (src/store importFile) */
export type ImportFn = (path: string, options: { signal?: AbortSignal, hold?: StoreHold }) => Promise<AddResult>

export interface ContentLibraryComponents {
  store: Pick<ContentStore, 'addStream' | 'stat' | 'get' | 'has' | 'pin' | 'unpin' | 'pinReasons' | 'gc' | 'hold'>
  content: ContentIndexPort
  runs: RunStorePort
  cacheIndex: CacheIndexPort
  /** L2's registry; absent when no L2 is configured (then nothing is published) */
  l2?: PublishedPort
  importFile?: ImportFn
  logger: Logger
}

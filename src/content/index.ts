import type { Cid, PlanId } from '../dag/index.js'
import type { RunRecord } from '../state/index.js'
import { DefaultContentLibrary } from './library.js'
import type { ContentLibraryComponents } from './ports.js'

export * from './errors.js'
export type * from './ports.js'
export { sniffMediaType, isInlineMediaType, previewKind, extensionFor, FALLBACK_MEDIA_TYPE, type PreviewKind } from '../media/index.js'
export { createDamageHandler, type DamagedContentComponents } from './damage.js'

export interface ContentLibraryInit {
  /** largest upload @default 2 GiB (DEFAULT_MAX_UPLOAD_BYTES) */
  maxUploadBytes?: number
  /** how long to wait for L2's "is it published?" @default 5000 */
  publishedTimeoutMs?: number
}

export interface LibraryOptions {
  signal?: AbortSignal
}

export interface UploadInit extends LibraryOptions {
  /** the file name the client gave, kept as metadata (the first one given for the same bytes stays) */
  name?: string
}

export interface StoredContent {
  cid: Cid
  size: number
  /** sniffed from the bytes when the content was first listed, never taken from a client */
  mediaType: string
}

export interface AddedContent extends StoredContent {
  /** false when the content was listed already: its first type and name stay (the API answers 200, not 201) */
  created: boolean
}

export interface DeleteResult {
  cid: Cid
  /** cache index entries that pointed at the content and were dropped */
  cacheEntries: number
}

export interface DiscardResult {
  id: PlanId
  /** items of the run whose run pins were dropped (no other run uses them) */
  unpinned: Cid[]
}

/**
 * Content as users see it: uploads, imports, run outputs, and the deletion rules:
 * published content is never deleted; inputs and outputs of runs are not deleted while runs use them;
 * intermediates and orphans can be; a failed run can always be discarded, a completed one only when none
 * of its items is published, a running one must be cancelled first.
 */
export interface ContentLibrary {
  /** Streams bytes into the store (never buffered whole), pins them ('upload') and lists them */
  upload(source: AsyncIterable<Uint8Array>, init?: UploadInit): Promise<AddedContent>
  /** Adds a file of the server's disk (only from the configured import directories), pinned and listed */
  importPath(path: string, options?: LibraryOptions): Promise<AddedContent>
  /** Lists a completed run's output in the content index (with its sniffed type) */
  recordOutput(run: RunRecord, options?: LibraryOptions): Promise<void>
  /** The media type of stored content: its recorded type, else sniffed from its first bytes (see isInlineMediaType) */
  mediaTypeOf(cid: Cid, options?: LibraryOptions): Promise<string>
  /** Pinned 'published', remembered as published, or (when L2 is configured) published according to L2 */
  isPublished(cid: Cid, options?: LibraryOptions): Promise<boolean>
  /**
   * Deletes content under the rules (never a run's provenance record or the node's state manifest); unpins
   * every reason but 'published'/'asset', drops its cache entries; GC collects the blocks after the answer
   */
  deleteContent(cid: Cid, options?: LibraryOptions): Promise<DeleteResult>
  /** Discards a run under the rules: drops its refs and run pins, deletes the record; GC collects after the answer */
  discardRun(id: PlanId, options?: LibraryOptions): Promise<DiscardResult>
  /** The store's GC: resolves once a pass that started after this call has finished */
  gc(): Promise<{ removed: number }>
}

export function createContentLibrary (components: ContentLibraryComponents, init: ContentLibraryInit = {}): ContentLibrary {
  return new DefaultContentLibrary(components, init)
}
export { SNIFF_HEAD_BYTES } from './constants.js'

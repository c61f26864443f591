import type { Readable } from 'node:stream'
import type { Cid } from '../dag/index.js'

/** Why a CID is kept: GC removes only blocks that no pin reaches */
/** 'cache': a step result kept so it is never rendered twice; dropping it makes the step an orphan GC may take */
export type PinReason = 'run-input' | 'run-output' | 'cache' | 'upload' | 'published' | 'asset' | 'provenance' | 'manifest'

export interface AbortOptions {
  signal?: AbortSignal
}

/**
 * Keeps what in-flight work wrote out of the collector's reach until the work has pinned it (or linked it
 * from a pinned record) or given up: take one before writing, release it in a `finally`.
 */
export interface StoreHold {
  release(): void
}

export interface WriteOptions extends AbortOptions {
  /** the written root (an add's file, a DAG-JSON record) stays in this hold until it is released @default kept only while the write runs */
  hold?: StoreHold
}

export interface GetOptions extends AbortOptions {
  /** first byte to return @default 0 */
  offset?: number
  /** bytes to return @default to the end */
  length?: number
  /**
   * ms to wait for a block that is not local (fetched from peers)
   * @default 30_000
   */
  timeoutMs?: number
}

export interface AddResult {
  cid: Cid
  size: number
}

export interface StatResult {
  cid: Cid
  size: number
  /** true when every block is in the local blockstore */
  local: boolean
  /** the whole content, verified, when the store keeps this (small, hot) file in memory: no read needed */
  bytes?: Uint8Array
}

/** Bytes by CID, over Helia, always streaming */
export interface ContentStore {
  addBytes(bytes: Uint8Array, options?: WriteOptions): Promise<AddResult>
  addStream(source: AsyncIterable<Uint8Array> | Readable, options?: WriteOptions): Promise<AddResult>
  addFile(path: string, options?: WriteOptions): Promise<AddResult>
  /** a hold for in-flight work: what is written under it stays until it is released */
  hold(): StoreHold
  /** stream the bytes of a file CID (or a range of them); fetched from peers when not local */
  get(cid: Cid, options?: GetOptions): AsyncIterable<Uint8Array>
  /** writes the whole content to a file (for ffmpeg) and verifies it */
  exportToFile(cid: Cid, path: string, options?: GetOptions): Promise<void>
  stat(cid: Cid, options?: GetOptions): Promise<StatResult>
  /** the whole content when the store keeps this (small, hot, verified) file in memory; never reads anything */
  held(cid: Cid): Uint8Array | undefined
  /** true when the root block is local (never asks peers) */
  has(cid: Cid): Promise<boolean>
  /** true when every block of the DAG is local (reads local blocks only, never asks peers) */
  hasAll(cid: Cid, options?: AbortOptions): Promise<boolean>
  /** fetches what is not local first (within timeoutMs per block), then pins (several reasons: one record write) */
  pin(cid: Cid, reason: PinReason | readonly PinReason[], options?: AbortOptions & { timeoutMs?: number }): Promise<void>
  /** drops one reason; the CID stays pinned while another reason remains */
  unpin(cid: Cid, reason: PinReason, options?: AbortOptions): Promise<void>
  pinReasons(cid: Cid): Promise<PinReason[]>
  /** every pinned root (the roots the GC keeps) */
  pinned(options?: AbortOptions): AsyncIterable<Cid>
  /**
   * removes every block that no pin, hold or in-flight add reaches, in the background of reads and writes;
   * requests while a pass runs share one pass queued after it. Resolves with how many blocks that pass removed
   */
  gc(options?: AbortOptions): Promise<{ removed: number }>
  /** aborts a running collection (between two batches) and refuses new ones */
  stop(): Promise<void>
  /** DAG-JSON objects (provenance, sync manifests); `pin` pins the record with that reason once it is written */
  putJson(value: unknown, options?: WriteOptions & { pin?: PinReason }): Promise<Cid>
  getJson<T = unknown>(cid: Cid, options?: GetOptions): Promise<T>
  /** total bytes of the local blockstore */
  size(): Promise<number>
}

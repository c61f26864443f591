import { createHash } from 'node:crypto'
import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { asCid, hashCanonical, type CacheId, type Cid } from '../../src/dag/ids.js'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import type { MediaFile, StepSpec } from '../../src/effects/index.js'

const RAW_CODE = 0x55
const SHA2_256 = 0x12

/**
 * A stand-in CID per file, derived from its path: distinct files get distinct CIDs, as with real content
 * (the executor memoises probes by CID and reports the CID in messages)
 */
export function cidOf (path: string): Cid {
  return asCid(CID.createV1(RAW_CODE, createDigest(SHA2_256, createHash('sha256').update(path).digest())).toString())
}

export function media (...paths: string[]): MediaFile[] {
  return paths.map((path) => ({ path, cid: cidOf(path) }))
}

/** a step spec with a cache id derived from its content (so seeds differ per step, like in a plan) */
export function stepOf (type: string, config: Record<string, unknown> = {}, effect?: StepSpec['effect']): StepSpec {
  return { id: `${type.toLowerCase()}-1`, type, config, cacheId: hashCanonical({ type, config, effect }) as CacheId, effect }
}

export async function workDir (root: string, name: string): Promise<string> {
  return await mkdtemp(join(root, `${name}-`))
}

/** runs tasks with at most `limit` in flight (the machine has 2 cores shared with others) */
export async function inParallel<T> (limit: number, tasks: Array<() => Promise<T>>): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length)
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++
      results[i] = await tasks[i]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane))
  return results
}

/**
 * ffmpeg and ffprobe cost ~0.2 s of CPU each just to start (200+ shared libraries); most of a test's
 * wall time is waiting for that on a shared 2-core machine. A few renders in flight keep the cores busy
 * without flooding them; the generous timeout is for a machine loaded by other suites.
 */
export const PARALLEL = 3
export const SLOW_TEST_TIMEOUT_MS = 480_000

import { clusterKeyHash, clusterTopic } from './cluster.js'
import {
  DEFAULT_ANNOUNCE_TOPIC, DEFAULT_CLUSTER_KEY, DEFAULT_PEER_STATE_WAIT_MS, DEFAULT_PUBLISH_DEBOUNCE_MS, DEFAULT_PUBLISH_TIMEOUT_MS,
  DEFAULT_RESOLVE_TIMEOUT_MS, DEFAULT_SYNC_INTERVAL_MS, DEFAULT_HINT_MAX_ENTRIES, DEFAULT_HINT_MAX_BYTES, DEFAULT_PEER_FORGET_MS,
  DEFAULT_COMPACT_AFTER_BATCHES, MAX_TAIL_BATCHES
} from './constants.js'
import { InvalidSyncConfigError } from './errors.js'
import type { StateSyncInit } from './index.js'

/** StateSyncInit checked, with its defaults applied */
export interface Settings {
  intervalMs: number, debounceMs: number, resolveTimeoutMs: number, publishTimeoutMs: number, peerStateWaitMs: number
  enabled: boolean, topic: string, keyHash: string, role: 'node' | 'worker'
  hintMaxEntries: number, hintMaxBytes: number, peerForgetMs: number, compactAfterBatches: number
}

/** throws InvalidSyncConfigError naming the first bad option */
export function settings (init: StateSyncInit): Settings {
  const clusterKey = init.clusterKey ?? DEFAULT_CLUSTER_KEY
  if (typeof clusterKey !== 'string' || clusterKey.trim() === '') throw new InvalidSyncConfigError('sync clusterKey must be a non-empty string')
  const positive = (name: string, v: number | undefined, d: number): number => {
    const value = v ?? d
    if (!Number.isFinite(value) || value <= 0) throw new InvalidSyncConfigError(`sync ${name} must be a positive number of ms, got ${String(v)}`)
    return value
  }
  const peerStateWaitMs = init.peerStateWaitMs ?? DEFAULT_PEER_STATE_WAIT_MS
  if (!Number.isFinite(peerStateWaitMs) || peerStateWaitMs < 0) throw new InvalidSyncConfigError(`sync peerStateWaitMs must be a non-negative number of ms, got ${String(init.peerStateWaitMs)}`)
  const role = init.role ?? 'node'
  if (role !== 'node' && role !== 'worker') throw new InvalidSyncConfigError(`sync role must be "node" or "worker", got ${String(role)}`)
  const base = init.announceTopic ?? DEFAULT_ANNOUNCE_TOPIC
  if (base.trim() === '') throw new InvalidSyncConfigError('sync announceTopic must be a non-empty string')
  const keyHash = clusterKeyHash(clusterKey)
  const count = (name: string, v: number | undefined, d: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = v ?? d
    if (!Number.isSafeInteger(value) || value < 1 || value > max) throw new InvalidSyncConfigError(`sync ${name} must be an integer from 1 to ${max}, got ${String(v)}`)
    return value
  }
  return {
    intervalMs: positive('intervalMs', init.intervalMs, DEFAULT_SYNC_INTERVAL_MS),
    debounceMs: positive('publishDebounceMs', init.publishDebounceMs, DEFAULT_PUBLISH_DEBOUNCE_MS),
    resolveTimeoutMs: positive('resolveTimeoutMs', init.resolveTimeoutMs, DEFAULT_RESOLVE_TIMEOUT_MS),
    publishTimeoutMs: positive('publishTimeoutMs', init.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS),
    peerStateWaitMs,
    hintMaxEntries: count('hintMaxEntries', init.hintMaxEntries, DEFAULT_HINT_MAX_ENTRIES),
    hintMaxBytes: count('hintMaxBytes', init.hintMaxBytes, DEFAULT_HINT_MAX_BYTES),
    peerForgetMs: positive('peerForgetMs', init.peerForgetMs, DEFAULT_PEER_FORGET_MS),
    // a peer fetches at most MAX_TAIL_BATCHES: the tail never grows past it
    compactAfterBatches: count('compactAfterBatches', init.compactAfterBatches, DEFAULT_COMPACT_AFTER_BATCHES, MAX_TAIL_BATCHES - 1),
    enabled: init.enabled ?? true,
    role,
    topic: clusterTopic(base, keyHash),
    keyHash
  }
}

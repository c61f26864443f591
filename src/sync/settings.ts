import { clusterKeyHash, clusterTopic } from './cluster.js'
import {
  DEFAULT_ANNOUNCE_TOPIC, DEFAULT_CLUSTER_KEY, DEFAULT_PEER_STATE_WAIT_MS, DEFAULT_PUBLISH_DEBOUNCE_MS, DEFAULT_PUBLISH_TIMEOUT_MS,
  DEFAULT_RESOLVE_TIMEOUT_MS, DEFAULT_SYNC_INTERVAL_MS
} from './constants.js'
import { InvalidSyncConfigError } from './errors.js'
import type { StateSyncInit } from './index.js'

/** StateSyncInit checked, with its defaults applied */
export interface Settings {
  intervalMs: number, debounceMs: number, resolveTimeoutMs: number, publishTimeoutMs: number, peerStateWaitMs: number
  enabled: boolean, topic: string, keyHash: string, role: 'node' | 'worker'
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
  return {
    intervalMs: positive('intervalMs', init.intervalMs, DEFAULT_SYNC_INTERVAL_MS),
    debounceMs: positive('publishDebounceMs', init.publishDebounceMs, DEFAULT_PUBLISH_DEBOUNCE_MS),
    resolveTimeoutMs: positive('resolveTimeoutMs', init.resolveTimeoutMs, DEFAULT_RESOLVE_TIMEOUT_MS),
    publishTimeoutMs: positive('publishTimeoutMs', init.publishTimeoutMs, DEFAULT_PUBLISH_TIMEOUT_MS),
    peerStateWaitMs,
    enabled: init.enabled ?? true,
    role,
    topic: clusterTopic(base, keyHash),
    keyHash
  }
}

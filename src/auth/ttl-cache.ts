export interface TtlCacheInit {
  ttlMs: number
  maxEntries: number
  /** clock, for tests @default Date.now */
  now?: () => number
}

/**
 * A small bounded cache whose entries expire. Insertion order is kept by the Map, so the oldest
 * entry is evicted first when the bound is reached (entries are re-inserted on write).
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { value: V, expiresAt: number }>()
  private readonly ttlMs: number
  private readonly maxEntries: number
  private readonly now: () => number

  constructor (init: TtlCacheInit) {
    this.ttlMs = init.ttlMs
    this.maxEntries = Math.max(1, init.maxEntries)
    this.now = init.now ?? Date.now
  }

  get (key: K): V | undefined {
    const entry = this.entries.get(key)
    if (entry == null) return undefined
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return entry.value
  }

  /** stores a value for the cache's ttl, or until `expiresAt` (ms) if that comes first */
  set (key: K, value: V, expiresAt?: number): void {
    if (this.ttlMs <= 0) return
    const until = Math.min(this.now() + this.ttlMs, expiresAt ?? Number.POSITIVE_INFINITY)
    if (until <= this.now()) return
    this.entries.delete(key)
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (oldest.done === true) break
      this.entries.delete(oldest.value)
    }
    this.entries.set(key, { value, expiresAt: until })
  }

  delete (key: K): void {
    this.entries.delete(key)
  }

  /** removes every entry whose value matches */
  deleteWhere (match: (value: V) => boolean): number {
    let removed = 0
    for (const [key, entry] of this.entries) {
      if (match(entry.value)) {
        this.entries.delete(key)
        removed++
      }
    }
    return removed
  }

  get size (): number {
    return this.entries.size
  }

  clear (): void {
    this.entries.clear()
  }
}

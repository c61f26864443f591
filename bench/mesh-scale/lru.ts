/**
 * The hint index's policy (src/sync/hint-index.ts) in memory: bounded by entries and bytes (field +
 * value lengths), the least recently announced or used dropped first. The Redis version runs the same
 * rule in a Lua script; the simulation cannot afford a Redis round trip per hint for 1,000 nodes.
 */
export class HintLru {
  private readonly map = new Map<string, number>()
  bytes = 0
  evicted = 0

  constructor (private readonly maxEntries: number, private readonly maxBytes: number) {}

  get size (): number { return this.map.size }

  set (cacheId: string, valueBytes: number): void {
    const old = this.map.get(cacheId)
    if (old != null) { this.map.delete(cacheId); this.bytes -= cacheId.length + old }
    this.map.set(cacheId, valueBytes)
    this.bytes += cacheId.length + valueBytes
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const [id, v] = this.map.entries().next().value as [string, number]
      this.map.delete(id)
      this.bytes -= id.length + v
      this.evicted++
    }
  }

  /** a hit moves the hint to the most recent end */
  get (cacheId: string): boolean {
    const v = this.map.get(cacheId)
    if (v == null) return false
    this.map.delete(cacheId)
    this.map.set(cacheId, v)
    return true
  }
}

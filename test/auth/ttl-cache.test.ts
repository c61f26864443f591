import { describe, expect, it } from 'vitest'
import { TtlCache } from '../../src/auth/ttl-cache.js'

describe('ttl-cache', () => {
  it('should expire entries after the ttl', () => {
    let now = 1_000
    const cache = new TtlCache<string, number>({ ttlMs: 100, maxEntries: 10, now: () => now })
    cache.set('a', 1)
    now += 99
    expect(cache.get('a')).toBe(1)
    now += 1
    expect(cache.get('a')).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('should expire an entry at its own deadline when that comes first', () => {
    let now = 0
    const cache = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 10, now: () => now })
    cache.set('a', 1, 50)
    cache.set('past', 2, 0)
    now = 49
    expect(cache.get('a')).toBe(1)
    expect(cache.get('past')).toBeUndefined()
    now = 50
    expect(cache.get('a')).toBeUndefined()
  })

  it('should evict the oldest entry when full', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 1_000, maxEntries: 2 })
    cache.set('a', 1)
    cache.set('b', 2)
    cache.set('a', 3)
    cache.set('c', 4)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.get('a')).toBe(3)
    expect(cache.get('c')).toBe(4)
    expect(cache.size).toBe(2)
  })

  it('should store nothing when the ttl is zero', () => {
    const cache = new TtlCache<string, number>({ ttlMs: 0, maxEntries: 2 })
    cache.set('a', 1)
    expect(cache.get('a')).toBeUndefined()
  })

  it('should delete the entries whose value matches', () => {
    const cache = new TtlCache<string, string>({ ttlMs: 1_000, maxEntries: 10 })
    cache.set('h1', 'alice')
    cache.set('h2', 'bob')
    cache.set('h3', 'alice')
    expect(cache.deleteWhere((v) => v === 'alice')).toBe(2)
    expect(cache.get('h2')).toBe('bob')
    expect(cache.size).toBe(1)
  })
})

import { createHash } from 'node:crypto'

/**
 * A Kademlia network in memory, as the LAN DHT (k = 20, alpha = 3) runs it: 64-bit ids (enough to order
 * 1,000 nodes), k-buckets filled from the whole membership, iterative lookups that count every
 * request/response and every round of alpha parallel requests (a round = one round trip).
 */
export const K = 20
export const ALPHA = 3

export function kadId (text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0)
}

function bucketOf (a: bigint, b: bigint): number {
  return (a ^ b).toString(2).length - 1
}

export interface LookupResult { closest: number[], queries: number, rounds: number, provider?: number }

export class Kademlia {
  private readonly tables: number[][]
  /** node -> provider records it stores (key -> holder nodes) */
  private readonly records: Array<Map<bigint, number[]>>

  constructor (readonly ids: bigint[], rand: () => number) {
    this.records = ids.map(() => new Map())
    this.tables = ids.map((own, i) => {
      const buckets = new Map<number, number[]>()
      const order = ids.map((_, j) => j).filter((j) => j !== i).sort(() => rand() - 0.5)
      for (const j of order) {
        const b = bucketOf(own, ids[j] as bigint)
        const bucket = buckets.get(b) ?? []
        if (bucket.length < K) bucket.push(j)
        buckets.set(b, bucket)
      }
      return [...buckets.values()].flat()
    })
  }

  private closestKnown (node: number, key: bigint, count: number): number[] {
    return [...(this.tables[node] as number[])].sort((a, b) => ((this.ids[a] as bigint) ^ key) < ((this.ids[b] as bigint) ^ key) ? -1 : 1).slice(0, count)
  }

  /** iterative lookup from `from`; with `findProvider`, stops at the first node holding a record for the key */
  lookup (from: number, key: bigint, online: (n: number) => boolean, findProvider = false): LookupResult {
    const dist = (n: number): bigint => (this.ids[n] as bigint) ^ key
    const seen = new Set<number>([from])
    let best = this.closestKnown(from, key, K).filter(online)
    best.forEach((n) => seen.add(n))
    const queried = new Set<number>()
    let queries = 0
    let rounds = 0
    for (;;) {
      const next = best.filter((n) => !queried.has(n)).slice(0, ALPHA)
      if (next.length === 0) break
      rounds++
      let improved = false
      for (const n of next) {
        queried.add(n)
        queries++
        const holders = this.records[n]?.get(key)
        if (findProvider && holders != null && holders.length > 0) return { closest: best, queries, rounds, provider: holders[0] }
        for (const c of this.closestKnown(n, key, K)) {
          if (seen.has(c) || !online(c)) continue
          seen.add(c)
          best.push(c)
          improved = true
        }
      }
      best = best.sort((a, b) => (dist(a) < dist(b) ? -1 : 1)).slice(0, K)
      if (!improved && best.every((n) => queried.has(n))) break
    }
    return { closest: best, queries, rounds }
  }

  /** a provider record on the k closest nodes: the lookup, then one ADD_PROVIDER per node */
  provide (from: number, key: bigint, online: (n: number) => boolean): { messages: number, rounds: number } {
    const found = this.lookup(from, key, online)
    for (const n of found.closest) {
      const holders = this.records[n] as Map<bigint, number[]>
      holders.set(key, [...(holders.get(key) ?? []), from])
    }
    return { messages: 2 * found.queries + found.closest.length, rounds: found.rounds + 1 }
  }

  recordsHeld (node: number): number {
    return (this.records[node] as Map<bigint, number[]>).size
  }
}

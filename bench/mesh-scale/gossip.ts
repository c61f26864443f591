/**
 * gossipsub's topic mesh in memory: each node keeps D..Dhi mesh peers; a message goes from its origin to
 * its mesh peers and each node forwards it once (message ids are content hashes, so a copy arriving by a
 * second path is dropped). Each heartbeat a node with new message ids sends IHAVE to Dlazy peers outside
 * its mesh. Counted: every message and its bytes.
 */
export const D = 6
export const D_HI = 12
export const D_LAZY = 6
/** bytes of one message id in an IHAVE and of the RPC framing around a message */
const ID_BYTES = 32
const FRAME_BYTES = 120

export class GossipMesh {
  readonly peers: number[][]
  messages = 0
  bytes = 0
  /** node -> ids seen since its last heartbeat */
  private readonly fresh: number[]

  constructor (n: number, rand: () => number) {
    this.peers = Array.from({ length: n }, () => [])
    this.fresh = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) {
      let tries = 0
      while ((this.peers[i] as number[]).length < D && tries++ < 100) {
        const j = Math.floor(rand() * n)
        const pi = this.peers[i] as number[]
        const pj = this.peers[j] as number[]
        if (j === i || pi.includes(j) || pj.length >= D_HI) continue
        pi.push(j)
        pj.push(i)
      }
    }
  }

  /** floods one message over the mesh among online nodes; returns the nodes that received it */
  publish (origin: number, size: number, online: (n: number) => boolean): number[] {
    const got = new Set<number>([origin])
    const queue = [origin]
    while (queue.length > 0) {
      const from = queue.shift() as number
      for (const to of this.peers[from] as number[]) {
        if (!online(to)) continue
        this.messages++
        this.bytes += size + FRAME_BYTES
        if (got.has(to)) continue
        got.add(to)
        this.fresh[to] = (this.fresh[to] as number) + 1
        queue.push(to)
      }
    }
    return [...got]
  }

  /** one heartbeat: IHAVE gossip of the ids each node saw since the last one */
  heartbeat (online: (n: number) => boolean): void {
    for (let i = 0; i < this.fresh.length; i++) {
      const ids = this.fresh[i] as number
      if (ids === 0 || !online(i)) continue
      this.messages += D_LAZY
      this.bytes += D_LAZY * (ids * ID_BYTES + FRAME_BYTES)
      this.fresh[i] = 0
    }
  }
}

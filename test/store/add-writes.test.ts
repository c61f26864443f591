import { describe, expect, it } from 'vitest'
import { addContent, type AddContext } from '../../src/store/add.js'
import { Holds } from '../../src/store/holds.js'
import { testBytes } from '../fixtures/helia.js'
import type { CID } from 'multiformats/cid'

const MiB = 1024 * 1024

/** blocks in a map whose writes finish only when the test lets them (or fail when it says so) */
class GatedBlocks {
  readonly stored = new Map<string, Uint8Array>()
  readonly waiting: Array<{ cid: CID, bytes: Uint8Array, done: (err?: Error) => void }> = []
  async has (cid: CID): Promise<boolean> { return this.stored.has(cid.toString()) }
  async delete (cid: CID): Promise<void> { this.stored.delete(cid.toString()) }
  async put (cid: CID, bytes: Uint8Array): Promise<CID> {
    await new Promise<void>((resolve, reject) => {
      this.waiting.push({ cid, bytes, done: (err) => { if (err != null) reject(err); else resolve() } })
    })
    this.stored.set(cid.toString(), bytes)
    return cid
  }

  /** lets every write started so far finish; `fail` makes the first of them fail instead */
  release (fail?: Error): void {
    const [first, ...rest] = this.waiting.splice(0)
    first?.done(fail)
    for (const w of rest) w.done()
  }
}

async function waitFor (check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setImmediate(resolve))
  }
}

function context (blocks: GatedBlocks, kept: CID[]): AddContext {
  return { blocks, holds: new Holds(), keep: (root) => kept.push(root), currentSize: async () => 0, pending: { bytes: 0 } }
}

describe('addContent block writes', () => {
  it('should hand out the root only after every block write has landed, holding each block meanwhile', async () => {
    const blocks = new GatedBlocks()
    const kept: CID[] = []
    const ctx = context(blocks, kept)
    let finished = false
    const adding = addContent((async function * () { yield testBytes(3 * MiB + 5, 3) })(), ctx).finally(() => { finished = true })
    // the importer ends with the root's write: all five blocks (4 leaves, 1 root) are in flight at once
    await waitFor(() => blocks.waiting.length === 5, 'five block writes')
    expect(finished).toBe(false)
    expect(kept).toEqual([])
    for (const w of blocks.waiting) expect(ctx.holds.blocks.has(w.cid)).toBe(true)
    blocks.release()
    const { cid, size } = await adding
    expect(size).toBe(3 * MiB + 5)
    expect(kept.map(String)).toEqual([cid.toString()])
    expect(blocks.stored.has(cid.toString())).toBe(true)
    expect(blocks.stored.size).toBe(5)
  })

  it('should fail the add and delete what it wrote when a write running in the background fails', async () => {
    const blocks = new GatedBlocks()
    const kept: CID[] = []
    const ctx = context(blocks, kept)
    const adding = addContent((async function * () { yield testBytes(2 * MiB, 9) })(), ctx)
    await waitFor(() => blocks.waiting.length === 3, 'three block writes')
    blocks.release(new Error('disk full'))
    await expect(adding).rejects.toThrow('disk full')
    expect(kept).toEqual([])
    expect(blocks.stored.size).toBe(0)
    expect(ctx.pending.bytes).toBe(0)
  })

  it('should write a chunk that repeats within one file once', async () => {
    const blocks = new GatedBlocks()
    const ctx = context(blocks, [])
    const chunk = testBytes(MiB, 4)
    const adding = addContent((async function * () { yield chunk; yield chunk; yield chunk })(), ctx)
    // one leaf (three times in the file) and the root
    await waitFor(() => blocks.waiting.length === 2, 'two block writes')
    blocks.release()
    await adding
    expect(blocks.stored.size).toBe(2)
  })
})

import { describe, expect, it } from 'vitest'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { PullBlocks } from '../../../src/store/remote/pull-blocks.js'
import { ContentNotFoundError, PeerBrokeOffError } from '../../../src/store/errors.js'
import { failureOf, kindOf } from '../../../src/store/remote/outcome.js'

async function block (text: string): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new TextEncoder().encode(text)
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

/** a small fake of the local blockstore the pull writes into */
function disk (): { written: Map<string, Uint8Array>, read: (cid: CID) => Promise<Uint8Array>, reads: string[] } {
  const written = new Map<string, Uint8Array>()
  const reads: string[] = []
  return {
    written,
    reads,
    read: async (cid) => {
      reads.push(cid.toString())
      const bytes = written.get(cid.toString())
      if (bytes == null) throw new Error(`not on disk: ${cid.toString()}`)
      return bytes
    }
  }
}

describe('PullBlocks (blocks of a pull for readers that stream it)', () => {
  it('should hand a waiting reader a copy of the block the moment it is verified', async () => {
    const root = await block('root')
    const leaf = await block('leaf')
    const pull = new PullBlocks(root.cid)
    const d = disk()
    const waiting = pull.block(leaf.cid, d.read)
    const buffer = new Uint8Array(leaf.bytes)
    pull.verified(leaf.cid, buffer)
    buffer.fill(0) // the pull reuses its buffer once the block is written
    expect(new TextDecoder().decode(await waiting)).toBe('leaf')
    expect(d.reads).toEqual([])
  })

  it('should hand over a block verified before the reader asked from memory until it is written, then from the disk', async () => {
    const root = await block('root')
    const leaf = await block('leaf')
    const pull = new PullBlocks(root.cid)
    const d = disk()
    const buffer = new Uint8Array(leaf.bytes)
    pull.verified(leaf.cid, buffer)
    buffer.fill(0)
    expect(new TextDecoder().decode(await pull.block(leaf.cid, d.read))).toBe('leaf')
    expect(d.reads).toEqual([])
    d.written.set(leaf.cid.toString(), leaf.bytes)
    pull.written(leaf.cid)
    expect(new TextDecoder().decode(await pull.block(leaf.cid, d.read))).toBe('leaf')
    expect(d.reads).toEqual([leaf.cid.toString()])
  })

  it('should keep the root in memory (it is written last) and read everything from disk after a pull that succeeded', async () => {
    const root = await block('root')
    const leaf = await block('leaf')
    const pull = new PullBlocks(root.cid)
    const d = disk()
    pull.verified(root.cid, root.bytes)
    expect(new TextDecoder().decode(await pull.block(root.cid, d.read))).toBe('root')
    d.written.set(leaf.cid.toString(), leaf.bytes)
    pull.end()
    expect(new TextDecoder().decode(await pull.block(leaf.cid, d.read))).toBe('leaf')
  })

  it('should give waiting and later readers the error of a pull that failed', async () => {
    const root = await block('root')
    const pull = new PullBlocks(root.cid)
    const d = disk()
    const waiting = pull.block(root.cid, d.read)
    const cause = new PeerBrokeOffError('peer x broke off')
    pull.end(cause)
    await expect(waiting).rejects.toBe(cause)
    await expect(pull.block(root.cid, d.read)).rejects.toBe(cause)
  })

  it('should stop waiting when the reader gives up, and leave other readers waiting', async () => {
    const root = await block('root')
    const pull = new PullBlocks(root.cid)
    const d = disk()
    const controller = new AbortController()
    const gaveUp = pull.block(root.cid, d.read, controller.signal)
    const stays = pull.block(root.cid, d.read)
    controller.abort(new Error('client left'))
    await expect(gaveUp).rejects.toThrow('client left')
    pull.verified(root.cid, root.bytes)
    expect(new TextDecoder().decode(await stays)).toBe('root')
  })
})

describe('the outcome of a lookup', () => {
  it('should name a peer that broke off (502) before one that went silent (504) before nobody has it (404)', () => {
    const broke = { kind: kindOf(Object.assign(new Error('socket hang up'), { name: 'CarTransferError' }), 3), text: 'http u: broke' }
    const silent = { kind: kindOf(Object.assign(new Error('silent'), { name: 'CarTimeoutError' }), 0), text: 'libp2p p: silent' }
    const absent = { kind: kindOf(Object.assign(new Error('404'), { name: 'CarRemoteError' }), 0), text: 'http v: 404' }
    expect(failureOf('bafy', 2, [absent, broke, silent])).toMatchObject({ name: 'PeerBrokeOffError', message: 'a peer broke off while sending bafy: http u: broke (all attempts: http v: 404; http u: broke; libp2p p: silent)' })
    expect(failureOf('bafy', 2, [absent, silent])).toMatchObject({ name: 'FetchTimeoutError' })
    expect(failureOf('bafy', 1, [absent])).toBeInstanceOf(ContentNotFoundError)
    // a transfer that failed before any block arrived never delivered: the peer is not counted as broken off
    expect(kindOf(Object.assign(new Error('reset'), { name: 'CarTransferError' }), 0)).toBe('unreachable')
  })
})

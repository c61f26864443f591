import { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { clusterKeyHash, clusterTopic, decodeAnnouncement, encodeAnnouncement, parseBatch, parseManifest } from '../../src/sync/index.js'

const PEER = '12D3KooWGtVkcR4pFL6DK39HUfurgYgoK5WuQxHEm3bY7kBeWT9A'
const CACHE_ID = 'a'.repeat(64)
const CID_TEXT = 'bafkreiesf2q4gwyt4v3hpfnd6mtrxizm7rwppo2eqagzyeq3j4noj7pkem'
const enc = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v))
const good = { cacheId: CACHE_ID, cid: CID_TEXT, peer: PEER, seq: 3 }

describe('announcement', () => {
  it('should round-trip an announcement', () => {
    const a = { cacheId: CACHE_ID, cid: CID_TEXT, peer: PEER, seq: 3 } as never
    expect(decodeAnnouncement(encodeAnnouncement(a), PEER)).toEqual(good)
  })

  it('should reject every malformed announcement with a message naming the problem', () => {
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array(2000), 'announcement of 2000 bytes exceeds 1024 bytes'],
      [new Uint8Array([0xff, 0xfe]), 'announcement is not UTF-8 JSON'],
      [enc([1]), 'announcement is not a JSON object'],
      [enc({ ...good, cacheId: 'A'.repeat(64) }), 'announcement cacheId is not 64 lowercase hex characters'],
      [enc({ ...good, cid: 5 }), 'announcement cid is not a string'],
      [enc({ ...good, cid: 'zzz' }), 'announcement cid "zzz" is not a valid CID'],
      [enc({ ...good, peer: 'someone' }), `announcement peer someone is not its signer ${PEER}`],
      [enc({ ...good, seq: 1.5 }), 'announcement seq is not a non-negative integer']
    ]
    for (const [data, message] of cases) {
      expect(() => decodeAnnouncement(data, PEER)).toThrow(message)
      try { decodeAnnouncement(data, PEER) } catch (err) { expect((err as Error).name).toBe('InvalidAnnouncementError') }
    }
  })

  it('should derive different topics for different cluster keys', () => {
    expect(clusterKeyHash('a')).toMatch(/^[0-9a-f]{64}$/)
    expect(clusterTopic('/t', clusterKeyHash('a'))).not.toBe(clusterTopic('/t', clusterKeyHash('b')))
    expect(clusterTopic('/t', clusterKeyHash('a'))).toBe(`/t/${clusterKeyHash('a').slice(0, 16)}`)
  })
})

describe('manifest', () => {
  const link = CID.parse('baguqeeraevl2i6enqaiyznppto2wqc3ztj7fg5a3qxwyjipzin7t6gsec6ma')
  const manifest = { type: 'artdag/state', version: 2, peer: PEER, clusterKeyHash: 'b'.repeat(64), seq: 2, snapshot: link, snapshotSeq: 1, tail: [link], count: 3, updatedAt: 'now' }

  it('should accept a valid manifest and batch', () => {
    expect(parseManifest(manifest, 'm')).toMatchObject({ seq: 2, count: 3, peer: PEER })
    expect(parseBatch({ seq: 1, entries: [[CACHE_ID, CID_TEXT]] }, 'b').entries).toEqual([[CACHE_ID, CID_TEXT]])
  })

  it('should reject invalid manifests and batches with exact messages', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => parseManifest(null, 'm1'), 'manifest is not an object of m1'],
      [() => parseManifest({ ...manifest, type: 'x' }, 'm1'), 'manifest type is "x", not "artdag/state" of m1'],
      [() => parseManifest({ ...manifest, version: 1 }, 'm1'), 'manifest version 1 is not supported of m1'],
      [() => parseManifest({ ...manifest, clusterKeyHash: 'k' }, 'm1'), 'manifest clusterKeyHash is not 64 hex characters of m1'],
      [() => parseManifest({ ...manifest, seq: -1 }, 'm1'), 'manifest seq or snapshotSeq is not a non-negative integer (snapshotSeq <= seq) of m1'],
      [() => parseManifest({ ...manifest, snapshotSeq: 3 }, 'm1'), 'manifest seq or snapshotSeq is not a non-negative integer (snapshotSeq <= seq) of m1'],
      [() => parseManifest({ ...manifest, snapshot: 'x' }, 'm1'), 'manifest snapshot is not a CID link or null of m1'],
      [() => parseManifest({ ...manifest, tail: ['x'] }, 'm1'), 'manifest tail is not a list of at most 64 CID links of m1'],
      [() => parseManifest({ ...manifest, tail: Array.from({ length: 65 }, () => link) }, 'm1'), 'manifest tail is not a list of at most 64 CID links of m1'],
      [() => parseBatch({ seq: 0, entries: [] }, 'b1'), 'batch seq is not a positive integer of b1'],
      [() => parseBatch({ seq: 1, entries: [['x', CID_TEXT]] }, 'b1'), 'batch entry 0 is not [cacheId, cid] of b1'],
      [() => parseBatch({ seq: 1, entries: [[CACHE_ID, 'nope']] }, 'b1'), 'batch entry 0 has an invalid CID of b1'],
      [() => parseBatch({ seq: 1, entries: [[CACHE_ID, CID_TEXT], [CACHE_ID, CID_TEXT]] }, 'b1'), `batch entry 1 repeats cache id ${CACHE_ID} of b1`]
    ]
    for (const [fn, message] of cases) {
      expect(fn).toThrow(message)
      try { fn() } catch (err) { expect((err as Error).name).toBe('InvalidManifestError') }
    }
  })
})

describe('advertised HTTP URL', () => {
  it('should carry an optional url in announcements, and reject one that is not http(s)', () => {
    const withUrl = { ...good, url: 'http://127.0.0.1:8100' }
    expect(decodeAnnouncement(encodeAnnouncement(withUrl as never), PEER)).toEqual(withUrl)
    expect(decodeAnnouncement(enc(good), PEER)).toEqual(good) // older nodes send none
    for (const url of ['ftp://x', 'not a url', 5, 'http://user:pw@host']) {
      expect(() => decodeAnnouncement(enc({ ...good, url }), PEER)).toThrow('announcement url is not an http(s) URL')
    }
  })

  it('should read a manifest url, accept a manifest without one, and reject a bad one', () => {
    const base = { type: 'artdag/state', version: 2, peer: PEER, clusterKeyHash: 'b'.repeat(64), seq: 0, snapshot: null, snapshotSeq: 0, tail: [], count: 0, updatedAt: '' }
    expect(parseManifest(base, 'm').url).toBeUndefined()
    expect(parseManifest({ ...base, url: 'https://node.example/' }, 'm').url).toBe('https://node.example')
    expect(() => parseManifest({ ...base, url: 'file:///etc' }, 'm')).toThrow('manifest url is not an http(s) URL of m')
  })
})

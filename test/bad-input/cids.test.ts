import fc from 'fast-check'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestNode, type TestNode } from '../fixtures/node.js'
import { bySuite } from '../fixtures/suite.js'
import { inBatches, Tally, type BadCase } from './harness.js'

const FUZZED = bySuite(30, 80)
const UNKNOWN = bySuite(3, 8)
const FETCH_MS = 300

async function unknownCid (seed: number): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(new TextEncoder().encode(`bad-input ${seed}`))).toString()
}

/** Strings that are not CIDs: CIDs with a character changed or cut, other bases, noise, unicode */
function notCids (valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(fc.nat({ max: valid.length - 1 }), fc.constantFrom('0', '1', '8', '9', 'A', '!', '_', '~')).map(([i, ch]) => valid.slice(0, i) + ch + valid.slice(i + 1)),
    fc.nat({ max: valid.length - 2 }).map((n) => valid.slice(0, n + 1)),
    fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz234567'), minLength: 1, maxLength: 80 }).map((s) => `baf${s}`),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).filter((s) => !/^\.+$/.test(s.trim()) && s.trim() !== ''),
    fc.constantFrom('Qm', 'QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbd', `${valid}x`, valid.toUpperCase(), '\0', 'a/b', '%2F', '<script>', 'undefined', 'null', '0')
  )
}

describe('bad input: CIDs and ids', () => {
  let t: TestNode
  let ok: string
  const tally = new Tally('cids')
  beforeAll(async () => {
    t = await startTestNode({ fetchTimeoutMs: FETCH_MS, workers: 1 })
    const list = await (await fetch(`${t.url}/cache`)).json() as { items: Array<{ cid: string }> }
    ok = list.items[0]?.cid as string
  })
  afterAll(async () => { await t?.stop() })

  it('should answer 400 naming the text for every string that is not a CID or run id, on every route taking one', async () => {
    const bad = fc.sample(notCids(ok), { numRuns: FUZZED, seed: 11 })
    const cases: BadCase[] = []
    for (const s of bad) {
      const enc = encodeURIComponent(s)
      const notCid = `"${s}" is not a valid CID`
      const notRun = `"${s}" is not a valid run id (64 lowercase hex characters)`
      const json = { 'content-type': 'application/json' }
      cases.push(
        { label: s, path: `/cache/${enc}`, status: 400, error: 'invalid-id', message: notCid },
        { label: s, method: 'DELETE', path: `/cache/${enc}`, status: 400, error: 'invalid-id', message: notCid },
        { label: s, path: `/runs/${enc}`, status: 400, error: 'invalid-id', message: notRun },
        { label: s, method: 'DELETE', path: `/runs/${enc}`, status: 400, error: 'invalid-id', message: notRun },
        { label: s, method: 'POST', path: `/runs/${enc}/cancel`, status: 400, error: 'invalid-id', message: notRun },
        { label: s, path: `/runs/${enc}/events`, status: 400, error: 'invalid-id', message: notRun },
        { label: s, method: 'POST', path: '/runs', headers: json, body: JSON.stringify({ recipe: 'invert', inputs: [s] }), status: 400, error: 'unknown-input', message: `inputs[0]: "${s}" is neither a CID nor a known asset name` },
        { label: s, method: 'POST', path: '/runs', headers: json, body: JSON.stringify({ recipe: 'invert', inputs: { input: s } }), status: 400, error: 'unknown-input', message: `inputs.input: "${s}" is neither a CID nor a known asset name` }
      )
    }
    await inBatches(t.url, cases, 16, async (c) => { await tally.send(t.url, c) })
    // HEAD has no body to carry the message: the status alone
    for (const s of bad.slice(0, 5)) {
      const res = await fetch(`${t.url}/cache/${encodeURIComponent(s)}`, { method: 'HEAD' })
      tally.check({ label: `HEAD ${s}`, method: 'HEAD', status: 400 }, { status: res.status, text: '', json: { message: 'HEAD' } })
    }
    tally.done()
  })

  it('should answer 404 for well-formed CIDs and run ids that are not known, a lone node without waiting for the fetch deadline', async () => {
    const own = new Tally('unknown cids')
    const cids = await Promise.all(Array.from({ length: UNKNOWN }, async (_, i) => await unknownCid(i)))
    const cases: BadCase[] = cids.flatMap((cid, i) => {
      const runId = i.toString(16).padStart(64, 'f')
      return [
        { label: cid, path: `/cache/${cid}`, status: 404, error: 'content-not-found', message: `content ${cid} is not held here, and no peer is connected or known to hold it` },
        { label: cid, path: `/cache/${cid}`, headers: { range: 'bytes=0-9' }, status: 404, error: 'content-not-found' },
        { label: cid, method: 'DELETE', path: `/cache/${cid}`, status: 404, error: 'content-not-found', message: `content ${cid} is not stored on this node` },
        { label: runId, path: `/runs/${runId}`, status: 404, error: 'run-not-found' },
        { label: runId, method: 'DELETE', path: `/runs/${runId}`, status: 404 },
        { label: runId, method: 'POST', path: `/runs/${runId}/cancel`, status: 404, error: 'run-not-found' },
        { label: runId, path: `/runs/${runId}/events`, status: 404, error: 'run-not-found' }
      ]
    })
    await inBatches(t.url, cases, 8, async (c) => { await own.send(t.url, c) })
    own.done()
  })

  it('should take a run whose input CID nobody has and fail it with a message naming that CID', async () => {
    const cid = await unknownCid(999)
    const res = await fetch(`${t.url}/runs?wait=30`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ recipe: 'invert', inputs: [cid] }) })
    expect(res.status).toBe(201)
    const run = await res.json() as { status: string, error?: string }
    expect(run.status).toBe('failed')
    expect(run.error).toContain(cid)
    tally.cases++
  })
})

import { describe, expect, it } from 'vitest'
import { asCacheId, asCid, canonicalJson, hashCanonical } from '../../src/dag/ids.js'

describe('ids', () => {
  it('should hash the golden vector like the original system', () => {
    const value = { type: 'SOURCE', inputs: [], config: { path: '/x.mp4' } }
    expect(canonicalJson(value)).toBe('{"config":{"path":"/x.mp4"},"inputs":[],"type":"SOURCE"}')
    expect(hashCanonical(value)).toBe('a229f716f61fd635a66e37c6a4430f4c04584ddb52b5183df8a7ad50f81ab503')
  })

  it('should reject a string that is not a CID', () => {
    expect(() => asCid('not-a-cid')).toThrow('"not-a-cid" is not a valid CID')
  })

  it('should reject a cache id that is not 64 hex characters', () => {
    expect(() => asCacheId('abc')).toThrow('"abc" is not a valid cache id (64 lowercase hex characters)')
  })
})

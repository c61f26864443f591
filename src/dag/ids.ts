import canonicalize from 'canonicalize'
import { CID } from 'multiformats/cid'
import type { Cid, CacheId, PlanId, RecipeId } from '../util/index.js'
import { InvalidIdError } from './errors.js'

export type { Cid, CacheId, PlanId, RunId, RecipeId } from '../util/index.js'
export { sha3Hex, hashCanonical } from '../util/index.js'

const HEX64 = /^[0-9a-f]{64}$/

/** RFC 8785 (JCS) canonical JSON text of a value */
export function canonicalJson (value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) {
    throw new InvalidIdError('value has no canonical JSON form')
  }
  return text
}

export function isCid (value: string): boolean {
  try {
    CID.parse(value)
    return true
  } catch {
    return false
  }
}

/** Checks and brands a CID string; normalises CIDv0 to its CIDv1 base32 form */
export function asCid (value: string): Cid {
  let cid: CID
  try {
    cid = CID.parse(value.trim())
  } catch {
    throw new InvalidIdError(`"${truncate(value)}" is not a valid CID`)
  }
  return cid.toV1().toString() as Cid
}

export function cidToString (cid: CID): Cid {
  return cid.toV1().toString() as Cid
}

function checkHex (value: string, what: string): string {
  if (!HEX64.test(value)) {
    throw new InvalidIdError(`"${truncate(value)}" is not a valid ${what} (64 lowercase hex characters)`)
  }
  return value
}

export function asCacheId (value: string): CacheId {
  return checkHex(value, 'cache id') as CacheId
}

export function asPlanId (value: string): PlanId {
  return checkHex(value, 'run id') as PlanId
}

export function asRecipeId (value: string): RecipeId {
  return checkHex(value, 'recipe id') as RecipeId
}

export function isHexId (value: string): boolean {
  return HEX64.test(value)
}

function truncate (value: string): string {
  return value.length > 80 ? `${value.slice(0, 77)}...` : value
}

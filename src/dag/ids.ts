import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'
import { CID } from 'multiformats/cid'
import { InvalidIdError } from './errors.js'

/**
 * Identifiers of the system. They are all strings at runtime but carry a brand at compile time,
 * so a cache id can never be passed where a CID is expected (DESIGN section 2).
 */
declare const brand: unique symbol
type Brand<T, B extends string> = T & { readonly [brand]: B }

/** Identity of bytes: a CIDv1 string (base32) */
export type Cid = Brand<string, 'Cid'>
/** Identity of a computation: SHA3-256 hex of the JCS of a plan step */
export type CacheId = Brand<string, 'CacheId'>
/** Identity of a recipe applied to inputs; a run id equals the plan id */
export type PlanId = Brand<string, 'PlanId'>
export type RunId = PlanId
/** Identity of a parsed recipe: SHA3-256 hex of its canonical JSON */
export type RecipeId = Brand<string, 'RecipeId'>

const HEX64 = /^[0-9a-f]{64}$/

/** RFC 8785 (JCS) canonical JSON text of a value */
export function canonicalJson (value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) {
    throw new InvalidIdError('value has no canonical JSON form')
  }
  return text
}

/** SHA3-256 lowercase hex of text (UTF-8) or bytes */
export function sha3Hex (data: string | Uint8Array): string {
  return createHash('sha3-256').update(data).digest('hex')
}

/** SHA3-256 hex of the canonical JSON of a value */
export function hashCanonical (value: unknown): string {
  return sha3Hex(canonicalJson(value))
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

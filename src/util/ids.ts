import { createHash } from 'node:crypto'
import canonicalize from 'canonicalize'

/**
 * Identifiers of the system. They are all strings at runtime but carry a brand at compile time, so a
 * cache id can never be passed where a CID is expected. Checking and making them is dag's (dag/ids.ts);
 * they live here because every folder names them, effects included, which dag itself builds on.
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

/** SHA3-256 lowercase hex of text (UTF-8) or bytes */
export function sha3Hex (data: string | Uint8Array): string {
  return createHash('sha3-256').update(data).digest('hex')
}

/** SHA3-256 hex of the RFC 8785 (JCS) canonical JSON of a value (one that has a JSON form) */
export function hashCanonical (value: unknown): string {
  const text = canonicalize(value)
  if (text === undefined) throw new TypeError('value has no canonical JSON form')
  return sha3Hex(text)
}

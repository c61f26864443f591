/** Joins byte chunks into one array (no copy when there is a single chunk) */
export function concatBytes (parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1 && parts[0] != null) return parts[0]
  let total = 0
  for (const part of parts) total += part.byteLength
  const out = new Uint8Array(total)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

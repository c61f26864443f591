/**
 * Content-Type from the first bytes of content (magic numbers). Content is addressed by CID and has no
 * file name, so the bytes are the most reliable witness of what it is.
 */
const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  if (bytes.length < at + text.length) return false
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false
  return true
}

const startsWith = (bytes: Uint8Array, prefix: readonly number[]): boolean =>
  bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b)

/** EBML header: webm or matroska, told apart by the DocType string */
function ebmlType (bytes: Uint8Array): string | undefined {
  if (!startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return undefined
  const head = Buffer.from(bytes).toString('latin1')
  if (head.includes('webm')) return 'video/webm'
  return 'video/x-matroska'
}

function isoType (bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 4, 'ftyp')) return undefined
  const brand = Buffer.from(bytes.subarray(8, 12)).toString('latin1')
  if (brand === 'qt  ') return 'video/quicktime'
  if (brand.startsWith('M4A')) return 'audio/mp4'
  if (brand === 'avif') return 'image/avif'
  return 'video/mp4'
}

function textType (bytes: Uint8Array): string | undefined {
  let i = 0
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) i = 3
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++
  const first = bytes[i]
  if (first === 0x7b || first === 0x5b) return 'application/json'
  if (ascii(bytes, i, '<svg') || ascii(bytes, i, '<?xml')) return 'image/svg+xml'
  return undefined
}

/** The media type of content from its first bytes, or undefined when the bytes are not recognised */
export function sniffMediaType (bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'audio/wav'
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'AVI ')) return 'video/x-msvideo'
  if (ascii(bytes, 0, 'ID3') || (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg'
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg'
  if (ascii(bytes, 0, 'fLaC')) return 'audio/flac'
  if (ascii(bytes, 0, '%PDF-')) return 'application/pdf'
  return isoType(bytes) ?? ebmlType(bytes) ?? textType(bytes)
}

export const FALLBACK_MEDIA_TYPE = 'application/octet-stream'

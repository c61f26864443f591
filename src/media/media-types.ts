/**
 * Content-Type from the first bytes of content (magic numbers), against an allow-list: only media the
 * node shows (images, video, audio) and plain text or JSON are ever named; anything else (HTML, SVG, XML,
 * PDF, scripts, unknown bytes) is FALLBACK_MEDIA_TYPE and served as a download. Content is addressed by
 * CID and has no trustworthy name or declared type, so the bytes are the only witness of what it is.
 */
export const FALLBACK_MEDIA_TYPE = 'application/octet-stream'

/** what a media type is shown as on the pages */
export type PreviewKind = 'image' | 'video' | 'audio'

/**
 * Every type sniffMediaType can answer: served inline (under a sandboxing CSP), previewed when it has a
 * kind, and saved under its usual file extension. A type recorded before this list (or by an older node)
 * that is not on it is served as a download.
 */
const INLINE_MEDIA_TYPES: ReadonlyMap<string, { kind?: PreviewKind, ext: string }> = new Map<string, { kind?: PreviewKind, ext: string }>([
  ['image/png', { kind: 'image', ext: 'png' }], ['image/jpeg', { kind: 'image', ext: 'jpg' }], ['image/gif', { kind: 'image', ext: 'gif' }],
  ['image/webp', { kind: 'image', ext: 'webp' }], ['image/avif', { kind: 'image', ext: 'avif' }],
  ['video/mp4', { kind: 'video', ext: 'mp4' }], ['video/webm', { kind: 'video', ext: 'webm' }], ['video/quicktime', { kind: 'video', ext: 'mov' }],
  ['video/x-matroska', { kind: 'video', ext: 'mkv' }], ['video/x-msvideo', { kind: 'video', ext: 'avi' }],
  ['audio/mpeg', { kind: 'audio', ext: 'mp3' }], ['audio/ogg', { kind: 'audio', ext: 'ogg' }], ['audio/wav', { kind: 'audio', ext: 'wav' }],
  ['audio/flac', { kind: 'audio', ext: 'flac' }], ['audio/mp4', { kind: 'audio', ext: 'm4a' }],
  ['text/plain', { ext: 'txt' }], ['application/json', { ext: 'json' }]
])

/** true for the types served inline; everything else goes out as FALLBACK_MEDIA_TYPE with `attachment` */
export function isInlineMediaType (type: string | undefined): boolean {
  return type != null && INLINE_MEDIA_TYPES.has(type)
}

/** how the pages preview content of this type; undefined: a download link only */
export function previewKind (type: string | undefined): PreviewKind | undefined {
  return type == null ? undefined : INLINE_MEDIA_TYPES.get(type)?.kind
}

/** the usual file extension of a type (without the dot); `bin` for anything off the list */
export function extensionFor (type: string | undefined): string {
  return (type == null ? undefined : INLINE_MEDIA_TYPES.get(type.split(';')[0]?.trim() ?? ''))?.ext ?? 'bin'
}

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

/** control characters that never occur in text (everything below 0x20 but tab, LF, FF, CR, and DEL) */
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/

/**
 * JSON or plain text: valid UTF-8 without control characters. Markup (a first `<`: HTML, SVG, XML) is not
 * text here: it is what a browser would run, so it stays unnamed.
 */
function textType (bytes: Uint8Array): string | undefined {
  let text: string
  try {
    // stream: a character cut at the end of the head is not an error
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true })
  } catch {
    return undefined
  }
  const start = text.replace(/^\uFEFF/, '').trimStart()
  if (start === '' || BINARY.test(text) || start.startsWith('<')) return undefined
  if (start.startsWith('{') || start.startsWith('[')) return 'application/json'
  return 'text/plain'
}

/** The media type of content from its first bytes, one of the allow-list, or undefined when not recognised */
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
  return isoType(bytes) ?? ebmlType(bytes) ?? textType(bytes)
}

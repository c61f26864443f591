/**
 * The media vocabulary every other folder shares, pure and without dependencies: which media types the node
 * names (sniffed from the bytes, allow-listed), the formats a run's result may take, and the colours a
 * recipe may name.
 */
export { sniffMediaType, isInlineMediaType, previewKind, extensionFor, FALLBACK_MEDIA_TYPE, type PreviewKind } from './media-types.js'
export { CLIP_FORMATS, FORMAT_BY_EXTENSION, MAX_OUTPUT_FPS, MAX_SIDE, OUTPUT_FORMATS, STILL_FORMATS, outputChoiceSchema, type OutputChoice, type OutputFormat } from './formats.js'
export { COLOR_WORDS, isColor } from './colors.js'

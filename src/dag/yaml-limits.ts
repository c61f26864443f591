import type { Problem } from './errors.js'

/** Largest recipe YAML in bytes: room for MAX_NODES nodes written one per line */
export const MAX_RECIPE_BYTES = 128 * 1024
/** Deepest nesting of collections: flow brackets and block indentation together */
export const MAX_YAML_DEPTH = 32
/** Most aliases (`*name`) in one recipe */
export const MAX_YAML_ALIASES = 100

const NL = 10
const SPACE = 32
const TAB = 9
const CR = 13

const isBlank = (c: number): boolean => c === SPACE || c === TAB || c === NL || c === CR || Number.isNaN(c)

function lineAndColumn (text: string, index: number): string {
  let line = 1
  let start = 0
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++
    start = i + 1
  }
  return `line ${line}, column ${index - start + 1}`
}

/**
 * Limits checked on the text before it is parsed, in one pass over its characters: the YAML parser
 * takes seconds on a megabyte of nested `[` (its time grows with depth), so size, depth and aliases are
 * refused before it runs. The scan follows YAML's quoting, comments and block scalars closely enough to
 * measure ordinary recipes exactly; anything it cannot tell apart it counts as deeper, never shallower
 * (every opening bracket counts, inside quotes too, for as long as that quote lasts).
 */
export function yamlLimitProblems (text: string): Problem[] {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > MAX_RECIPE_BYTES) {
    return [{ path: 'yaml', code: 'too-large', message: `the recipe is ${bytes} bytes; at most ${MAX_RECIPE_BYTES} are allowed` }]
  }
  const problems: Problem[] = []
  const scan = scanDepth(text)
  if (scan.depth > MAX_YAML_DEPTH) {
    problems.push({
      path: lineAndColumn(text, scan.deepAt),
      code: 'too-deep',
      message: `nesting deeper than ${MAX_YAML_DEPTH} levels ([, { and indentation together); at most ${MAX_YAML_DEPTH} are allowed`
    })
  }
  if (scan.aliases > MAX_YAML_ALIASES) {
    problems.push({ path: 'yaml', code: 'too-many-aliases', message: `the recipe has ${scan.aliases} aliases (*name); at most ${MAX_YAML_ALIASES} are allowed` })
  }
  return problems
}

interface DepthScan {
  /** deepest nesting seen (stops counting once past the limit) */
  depth: number
  /** where the limit was first passed */
  deepAt: number
  aliases: number
}

function scanDepth (text: string): DepthScan {
  const n = text.length
  const blocks: number[] = [] // columns of the open block collections
  let flow = 0
  let depth = 0
  let deepAt = 0
  let aliases = 0
  let lineStart = 0
  let tokenStart = true
  const note = (extra: number, at: number): void => {
    const d = blocks.length + flow + extra
    if (d > depth) {
      depth = d
      if (d === MAX_YAML_DEPTH + 1) deepAt = at
    }
  }
  let i = 0
  while (i < n && depth <= MAX_YAML_DEPTH) {
    const c = text.charCodeAt(i)
    if (c === NL) {
      i++
      lineStart = i
      tokenStart = true
      continue
    }
    if (c === SPACE || c === TAB || c === CR) {
      i++
      continue
    }
    if (c === 0x23 /* # */ && (i === 0 || isBlank(text.charCodeAt(i - 1)))) {
      const end = text.indexOf('\n', i)
      i = end === -1 ? n : end
      continue
    }
    if (tokenStart && flow === 0) {
      const column = i - lineStart
      while (blocks.length > 0 && (blocks[blocks.length - 1] ?? 0) >= column) blocks.pop()
      if ((c === 0x7c /* | */ || c === 0x3e /* > */)) {
        i = skipBlockScalar(text, i, blocks[blocks.length - 1] ?? -1)
        lineStart = i
        tokenStart = true
        continue
      }
      blocks.push(column)
      note(0, i)
    }
    if (tokenStart && (c === 0x22 /* " */ || c === 0x27 /* ' */)) {
      i = skipQuoted(text, i, c, (extra, at) => { note(extra, at) })
      tokenStart = false
      continue
    }
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      flow++
      note(0, i)
      tokenStart = true
      i++
      continue
    }
    if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      if (flow > 0) flow--
      tokenStart = false
      i++
      continue
    }
    if (c === 0x2c /* , */ && flow > 0) {
      tokenStart = true
      i++
      continue
    }
    const next = text.charCodeAt(i + 1)
    if ((c === 0x2d /* - */ || c === 0x3f /* ? */ || c === 0x3a /* : */) && (isBlank(next) || (flow > 0 && c === 0x3a))) {
      tokenStart = true
      i++
      continue
    }
    if (tokenStart && (c === 0x26 /* & */ || c === 0x21 /* ! */ || c === 0x2a /* * */)) {
      if (c === 0x2a) aliases++
      while (i < n && !isBlank(text.charCodeAt(i)) && !(flow > 0 && ',[]{}'.includes(text[i] ?? ''))) i++
      tokenStart = c !== 0x2a
      continue
    }
    // a plain scalar: runs to ": ", " #", the end of the line, or a flow indicator inside a flow collection
    tokenStart = false
    i++
    while (i < n) {
      const p = text.charCodeAt(i)
      if (p === NL || (p === 0x3a && (isBlank(text.charCodeAt(i + 1)) || flow > 0)) || (p === 0x23 && isBlank(text.charCodeAt(i - 1)))) break
      if (flow > 0 && (p === 0x2c || p === 0x5b || p === 0x5d || p === 0x7b || p === 0x7d)) break
      if (p === 0x5b || p === 0x7b) note(1, i) // not an opening to the parser, but counted: never shallower
      i++
    }
  }
  return { depth, deepAt, aliases }
}

/** The index after a quoted scalar starting at `start`; openings inside it count for as long as it lasts */
function skipQuoted (text: string, start: number, quote: number, note: (extra: number, at: number) => void): number {
  let inner = 0
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (quote === 0x22 && c === 0x5c /* \ */) { i++; continue }
    if (c === quote) {
      if (quote === 0x27 && text.charCodeAt(i + 1) === 0x27) { i++; continue }
      return i + 1
    }
    if (c === 0x5b || c === 0x7b) note(++inner, i)
    else if ((c === 0x5d || c === 0x7d) && inner > 0) inner--
  }
  return text.length
}

/** The start of the first line after a block scalar (`|` or `>`) whose parent collection sits at `parent` */
function skipBlockScalar (text: string, start: number, parent: number): number {
  let i = text.indexOf('\n', start)
  while (i !== -1) {
    const from = i + 1
    let column = 0
    while (text.charCodeAt(from + column) === SPACE) column++
    const c = text.charCodeAt(from + column)
    if (column <= parent && !(c === NL || c === CR || Number.isNaN(c))) return from
    i = text.indexOf('\n', from)
  }
  return text.length
}

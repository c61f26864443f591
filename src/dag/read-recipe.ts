import { MAX_NODES } from './constants.js'
import { nameProblem } from './names.js'
import { asCid } from './ids.js'
import { joinPath, show } from './problems.js'
import type { Problem } from './errors.js'
import type { Recipe } from './types.js'

/** A node as written, before type and graph checks; paths point back into the document */
export interface DraftNode {
  id: string
  type: string
  config: unknown
  inputs: string[]
  path: string
  inputPaths: string[]
}

export interface DraftRecipe {
  head: Pick<Recipe, 'name' | 'version' | 'description' | 'owner'>
  registry: Recipe['registry']
  nodes: DraftNode[]
  output: string | undefined
}

const TOP_FIELDS = ['name', 'version', 'description', 'owner', 'registry', 'dag']
const NODE_FIELDS = ['id', 'type', 'config', 'inputs']

type Bag = Record<string, unknown>
const isBag = (v: unknown): v is Bag => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * Reads the document's shape (fields, registry, node list, input spellings) into a draft, reporting
 * every misplaced or mistyped field as 'bad-field'. `versionText` is the version as written
 * (YAML reads `1.0` as the number 1). `complete` is false when there is no node list to check further.
 */
export function readRecipe (doc: unknown, versionText?: string): { draft: DraftRecipe, problems: Problem[], complete: boolean } {
  const problems: Problem[] = []
  const bad = (path: string, message: string): void => { problems.push({ path, code: 'bad-field', message }) }
  const draft: DraftRecipe = { head: { name: '' }, registry: { assets: {}, effects: {} }, nodes: [], output: undefined }
  if (!isBag(doc)) {
    bad('', `a recipe must be a YAML mapping, got ${show(doc)}`)
    return { draft, problems, complete: false }
  }
  unknownFields(doc, '', TOP_FIELDS, bad)
  if (typeof doc.name === 'string' && doc.name.trim() !== '') draft.head.name = doc.name
  else bad('name', doc.name === undefined ? 'required: the recipe name' : `must be a non-empty string, got ${show(doc.name)}`)
  if (typeof doc.version === 'string') draft.head.version = doc.version
  else if (typeof doc.version === 'number') draft.head.version = versionText ?? String(doc.version)
  else if (doc.version !== undefined) bad('version', `must be a string, got ${show(doc.version)}`)
  for (const field of ['description', 'owner'] as const) {
    const value = doc[field]
    if (typeof value === 'string') draft.head[field] = value
    else if (value !== undefined) bad(field, `must be a string, got ${show(value)}`)
  }
  for (const field of ['name', 'version', 'description', 'owner'] as const) {
    const value = draft.head[field]
    const problem = value === undefined ? undefined : nameProblem(value, field === 'description' ? 'text' : 'name')
    if (problem !== undefined) bad(field, problem)
  }
  readRegistry(doc.registry, draft, bad)
  if (!isBag(doc.dag)) {
    bad('dag', doc.dag === undefined ? 'required: {nodes, output}' : `must be a mapping {nodes, output}, got ${show(doc.dag)}`)
    return { draft, problems, complete: false }
  }
  unknownFields(doc.dag, 'dag', ['nodes', 'output'], bad)
  if (typeof doc.dag.output === 'string') draft.output = doc.dag.output
  else if (doc.dag.output !== undefined) bad('dag.output', `must be a node id (a string), got ${show(doc.dag.output)}`)
  if (!Array.isArray(doc.dag.nodes)) {
    bad('dag.nodes', doc.dag.nodes === undefined ? 'required: a list of nodes' : `must be a list of nodes, got ${show(doc.dag.nodes)}`)
    return { draft, problems, complete: false }
  }
  if (doc.dag.nodes.length > MAX_NODES) {
    bad('dag.nodes', `has ${doc.dag.nodes.length} nodes; at most ${MAX_NODES} are allowed`)
    return { draft, problems, complete: false }
  }
  doc.dag.nodes.forEach((raw: unknown, index: number) => {
    const node = readNode(raw, `dag.nodes[${index}]`, bad)
    if (node !== undefined) draft.nodes.push(node)
  })
  return { draft, problems, complete: true }
}

function unknownFields (bag: Bag, base: string, known: string[], bad: (path: string, message: string) => void): void {
  for (const key of Object.keys(bag)) {
    if (!known.includes(key)) bad(joinPath(base, [key]), `unknown field "${key}" (known: ${known.join(', ')})`)
  }
}

function readNode (raw: unknown, path: string, bad: (path: string, message: string) => void): DraftNode | undefined {
  if (!isBag(raw)) {
    bad(path, `a node must be a mapping {id, type, config, inputs}, got ${show(raw)}`)
    return undefined
  }
  unknownFields(raw, path, NODE_FIELDS, bad)
  let ok = true
  for (const field of ['id', 'type'] as const) {
    if (typeof raw[field] !== 'string' || raw[field] === '') {
      bad(`${path}.${field}`, raw[field] === undefined ? 'required: a non-empty string' : `must be a non-empty string, got ${show(raw[field])}`)
      ok = false
    }
  }
  const idProblem = typeof raw.id === 'string' ? nameProblem(raw.id) : undefined
  if (idProblem !== undefined) {
    bad(`${path}.id`, idProblem)
    ok = false
  }
  const inputs: string[] = []
  const inputPaths: string[] = []
  const take = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      inputs.push(value)
      inputPaths.push(at)
    } else {
      bad(at, `must be a node id (a string), got ${show(value)}`)
      ok = false
    }
  }
  const spec = raw.inputs
  if (typeof spec === 'string') take(spec, `${path}.inputs`)
  else if (Array.isArray(spec)) spec.forEach((v, i) => { take(v, `${path}.inputs[${i}]`) })
  else if (isBag(spec)) {
    // named slots are flattened in the order they are written
    for (const [key, value] of Object.entries(spec)) {
      const at = joinPath(`${path}.inputs`, [key])
      if (Array.isArray(value)) value.forEach((v, i) => { take(v, `${at}[${i}]`) })
      else take(value, at)
    }
  } else if (spec !== undefined && spec !== null) {
    bad(`${path}.inputs`, `must be a node id, a list of node ids or a mapping of them, got ${show(spec)}`)
    ok = false
  }
  if (!ok) return undefined
  return { id: raw.id as string, type: raw.type as string, config: raw.config ?? {}, inputs, path, inputPaths }
}

function readRegistry (raw: unknown, draft: DraftRecipe, bad: (path: string, message: string) => void): void {
  if (raw === undefined || raw === null) return
  if (!isBag(raw)) {
    bad('registry', `must be a mapping {assets, effects}, got ${show(raw)}`)
    return
  }
  unknownFields(raw, 'registry', ['assets', 'effects'], bad)
  for (const [name, entry] of entries(raw.assets, 'registry.assets', bad)) {
    const path = joinPath('registry.assets', [name])
    const bag = isBag(entry) ? entry : { cid: entry }
    if (isBag(entry)) unknownFields(entry, path, ['cid', 'hash', 'url'], bad)
    const value = bag.cid ?? bag.hash
    const field = isBag(entry) ? (bag.cid === undefined ? '.hash' : '.cid') : ''
    if (typeof value !== 'string') {
      bad(path + field, value === undefined ? 'required: the asset\'s CID (cid or hash)' : `must be a CID string, got ${show(value)}`)
      continue
    }
    try {
      own(draft.registry.assets, name, { cid: asCid(value), ...(typeof bag.url === 'string' ? { url: bag.url } : {}) })
    } catch (err) {
      bad(path + field, (err as Error).message)
    }
    if (bag.url !== undefined && typeof bag.url !== 'string') bad(`${path}.url`, `must be a string, got ${show(bag.url)}`)
  }
  for (const [name, entry] of entries(raw.effects, 'registry.effects', bad)) {
    const path = joinPath('registry.effects', [name])
    const bag = isBag(entry) ? entry : { hash: entry }
    if (isBag(entry)) unknownFields(entry, path, ['hash', 'url'], bad)
    const out: { hash?: string, url?: string } = {}
    for (const field of ['hash', 'url'] as const) {
      const value = bag[field]
      if (typeof value === 'string') out[field] = value
      else if (value !== undefined && value !== null) bad(isBag(entry) ? `${path}.${field}` : path, `must be a string, got ${show(value)}`)
    }
    own(draft.registry.effects, name, out)
  }
}

/** Sets an own property even for names like "__proto__", which plain assignment would turn into a prototype */
function own<T> (target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}

function entries (raw: unknown, path: string, bad: (path: string, message: string) => void): Array<[string, unknown]> {
  if (raw === undefined || raw === null) return []
  if (!isBag(raw)) {
    bad(path, `must be a mapping of name -> entry, got ${show(raw)}`)
    return []
  }
  return Object.entries(raw)
}

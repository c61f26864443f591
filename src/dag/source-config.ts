import { z } from 'zod'
import { asCid } from './ids.js'
import { nameProblem } from './names.js'
import { zodProblems } from './problems.js'
import type { Problem } from './errors.js'
import type { ConfigResult } from './node-configs.js'

const SOURCE_FIELDS = z.strictObject({
  input: z.boolean().optional(),
  name: z.string().min(1).optional(),
  description: z.string().optional(),
  asset: z.string().min(1).optional(),
  cid: z.string().min(1).optional()
})

/**
 * A SOURCE is variable (`input: true`, bound at run time by node id or `name`) or fixed (`asset: <name>`
 * resolved through registry.assets, or a literal `cid`). Normalised forms:
 * `{input: true, name, description?}`, `{asset}` or `{cid}` (CID in CIDv1 base32).
 */
export function sourceConfig (raw: Record<string, unknown>, base: string, nodeId: string): ConfigResult {
  const parsed = SOURCE_FIELDS.safeParse(raw)
  if (!parsed.success) {
    const known = { '': Object.keys(SOURCE_FIELDS.shape) }
    return { ok: false, problems: zodProblems(parsed.error.issues, base, raw, 'bad-config', known) }
  }
  const { input, name, description, asset, cid } = parsed.data
  const kinds = [input === true, asset !== undefined, cid !== undefined].filter(Boolean).length
  if (kinds !== 1) {
    const message = kinds === 0
      ? 'a SOURCE needs either input: true (variable) or asset / cid (fixed)'
      : 'a SOURCE is either variable (input: true) or fixed (asset or cid), not both'
    return { ok: false, problems: [{ path: base, code: 'bad-config', message }] }
  }
  if (input === true) {
    const problems: Problem[] = []
    for (const [field, value, kind] of [['name', name, 'name'], ['description', description, 'text']] as const) {
      const problem = value === undefined ? undefined : nameProblem(value, kind)
      if (problem !== undefined) problems.push({ path: `${base}.${field}`, code: 'bad-config', message: problem })
    }
    if (problems.length > 0) return { ok: false, problems }
    return { ok: true, config: { input: true, name: name ?? nodeId, ...(description === undefined ? {} : { description }) } }
  }
  const extra = [name === undefined ? undefined : 'name', description === undefined ? undefined : 'description']
    .filter((f): f is string => f !== undefined)
  if (extra.length > 0) {
    return {
      ok: false,
      problems: extra.map(f => ({ path: `${base}.${f}`, code: 'bad-config', message: 'only used by a variable SOURCE (input: true)' }))
    }
  }
  if (asset !== undefined) return { ok: true, config: { asset } }
  try {
    return { ok: true, config: { cid: asCid(cid ?? '') } }
  } catch (err) {
    return { ok: false, problems: [{ path: `${base}.cid`, code: 'bad-config', message: (err as Error).message }] }
  }
}

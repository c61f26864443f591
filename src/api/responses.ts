import { z } from 'zod'
import { RUN_STATUSES } from '../state/index.js'

/**
 * Response schemas: what every JSON answer of the API holds. Handlers type their bodies with them
 * (`satisfies`), and the OpenAPI components are generated from them (docs/openapi.ts), so the
 * documentation is the code's own description of its answers.
 */

const time = z.iso.datetime().describe('ISO 8601 time, UTC')
const cid = z.string().describe('CIDv1, base32')
const hex64 = z.string().regex(/^[0-9a-f]{64}$/)
const count = z.int().nonnegative()

export const errorSchema = z.object({
  error: z.string().describe('stable id, e.g. run-not-found'),
  message: z.string(),
  details: z.unknown().optional().describe('e.g. every recipe problem with its path')
})

export const stepSchema = z.object({
  id: z.string(),
  type: z.string(),
  cacheId: hex64,
  status: z.enum(['pending', 'running', 'completed', 'cached', 'failed', 'cancelled']),
  cid: cid.optional(),
  source: z.enum(['local', 'peer', 'claim']).optional().describe('where a cached result came from'),
  effect: z.object({ name: z.string(), version: z.string() }).optional(),
  queuedAt: time.optional().describe('when its inputs were ready and its job was queued'),
  startedAt: time.optional().describe('when a worker took it up (queue wait = startedAt - queuedAt)'),
  finishedAt: time.optional(),
  durationMs: z.number().nonnegative().optional().describe("the worker's time on the step, without the queue wait"),
  error: z.string().optional(),
  worker: z.string().optional()
})

export const runSchema = z.object({
  id: hex64,
  status: z.enum(RUN_STATUSES),
  recipeId: hex64.optional().describe('the stored recipe; absent for an effect run by name'),
  recipeName: z.string(),
  inputs: z.array(z.object({ name: z.string(), cid })).describe('variable input name and CID, in binding order'),
  outputName: z.string().optional(),
  outputCid: cid.optional(),
  provenanceCid: cid.optional(),
  steps: z.array(stepSchema),
  user: z.string().optional(),
  error: z.string().optional(),
  createdAt: time,
  updatedAt: time,
  finishedAt: time.optional()
})

const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: count, offset: count, limit: count })

export const runPageSchema = pageOf(runSchema)

export const contentSchema = z.object({
  cid,
  size: count,
  mediaType: z.string().describe('sniffed from the bytes when first listed'),
  name: z.string().optional(),
  addedAt: time
})
export const contentPageSchema = pageOf(contentSchema)

export const storedContentSchema = z.object({ cid, size: count, mediaType: z.string() })
export const deleteResultSchema = z.object({ cid, cacheEntries: count.describe('cache index entries that pointed at the content and were dropped') })
export const discardResultSchema = z.object({ id: hex64, unpinned: z.array(cid).describe('items whose run pins were dropped') })

export const assetSchema = z.object({ name: z.string(), cid, mediaType: z.string().optional(), size: count.optional(), createdAt: time })
export const assetListSchema = z.object({ items: z.array(assetSchema), total: count })

export const configSchema = z.object({
  id: hex64,
  name: z.string(),
  version: z.string().optional(),
  description: z.string().optional(),
  yaml: z.string().describe('the YAML as uploaded'),
  variableInputs: z.array(z.object({ nodeId: z.string(), name: z.string(), description: z.string().optional() })),
  uploadedBy: z.string().optional(),
  createdAt: time
})
export const configPageSchema = pageOf(configSchema)
export const configDeletedSchema = z.object({ id: hex64, name: z.string(), deleted: z.literal(true) })

export const serverInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  peerId: z.string(),
  listen: z.array(z.string()).describe('libp2p addresses'),
  peers: z.array(z.string()).describe('connected peer ids'),
  publicUrl: z.string().nullable(),
  auth: z.enum(['l2', 'local', 'none']),
  counts: z.object({ runs: count, content: count, recipes: count }),
  docs: z.string()
})

export const checkSchema = z.object({ ok: z.boolean(), ms: z.number().nonnegative(), error: z.string().optional() })
export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  version: z.string(),
  peerId: z.string(),
  checkedAt: time.describe('when the checks ran'),
  checks: z.object({ redis: checkSchema, store: checkSchema })
})

export type ErrorAnswerBody = z.output<typeof errorSchema>
export type RunBody = z.output<typeof runSchema>
export type RunPageBody = z.output<typeof runPageSchema>
export type ContentPageBody = z.output<typeof contentPageSchema>
export type StoredContentBody = z.output<typeof storedContentSchema>
export type DeleteResultBody = z.output<typeof deleteResultSchema>
export type DiscardResultBody = z.output<typeof discardResultSchema>
export type AssetListBody = z.output<typeof assetListSchema>
export type ConfigBody = z.output<typeof configSchema>
export type ConfigPageBody = z.output<typeof configPageSchema>
export type ConfigDeletedBody = z.output<typeof configDeletedSchema>
export type ServerInfoBody = z.output<typeof serverInfoSchema>
export type HealthBody = z.output<typeof healthSchema>

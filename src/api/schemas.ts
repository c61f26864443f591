import { z } from 'zod'
import { RUN_STATUSES } from '../state/index.js'
import { outputChoiceSchema } from '../dag/index.js'
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, MAX_WAIT_SECONDS } from './constants.js'

/** Request schemas: validation of every param, query and body, and the source of the OpenAPI spec */

const intText = (min: number, max: number) => z.union([z.number(), z.string().regex(/^\d+$/, 'must be a whole number')])
  .transform(Number).pipe(z.number().int().min(min).max(max))

export const pageQuery = z.object({
  offset: intText(0, Number.MAX_SAFE_INTEGER).default(0),
  limit: intText(1, MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT)
})


export const runListQuery = pageQuery.extend({
  status: z.enum(RUN_STATUSES).optional()
})

export const waitQuery = z.object({
  wait: z.union([z.number(), z.string().regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')])
    .transform(Number).pipe(z.number().min(0).max(MAX_WAIT_SECONDS)).optional()
})

const ref = z.string().min(1).max(256)

export const runInputs = z.union([
  z.array(ref).max(256),
  z.record(z.string().min(1).max(256), ref)
]).describe('CIDs or asset names: a list bound in order, or an object keyed by variable input name or node id')

// length and characters are checked by the run service, which web forms go through too
const outputName = z.string().min(1).optional()
  .describe('a name for the output (at most 128 printable characters); a run that exists keeps the name it was created with: another one is a 409')
const runParams = z.record(z.string(), z.unknown()).optional()
  .describe('effect params (an effect by name only: a stored recipe declares none, so any is a 400 naming them)')

export const runBody = z.object({
  recipe: z.string().min(1).max(256).describe('a stored recipe id or name, or an effect name (short form)'),
  inputs: runInputs.default([]),
  output_name: outputName,
  params: runParams,
  // checked by the planner, which words every problem and knows whether the run makes a still or a clip
  output: outputChoiceSchema.or(z.unknown()).optional()
}).strict()

export const configRunBody = z.object({
  inputs: runInputs.default([]),
  output_name: outputName,
  params: runParams,
  output: outputChoiceSchema.or(z.unknown()).optional()
}).strict()

export const configUploadJson = z.object({
  yaml: z.string().min(1).max(1024 * 1024)
}).strict()

export const importQuery = z.object({
  // a NUL byte cannot be in a file name: refused here rather than as an unreadable file by the filesystem call
  path: z.string().min(1, 'is required').max(4096)
    .refine((path) => !path.includes('\0'), 'must not contain a NUL byte')
})

export const uploadQuery = z.object({
  name: z.string().min(1).max(256).optional()
})

export const runIdParam = z.object({ id: z.string().min(1).max(256) })
export const cidParam = z.object({ cid: z.string().min(1).max(256) })

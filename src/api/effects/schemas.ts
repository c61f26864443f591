import { z } from 'zod'
import type { EffectEntry, ParamEntry } from '../../effects/index.js'
import { EFFECT_GROUPS } from '../../effects/index.js'

/** One parameter of GET /effects; kept equal to the catalogue's ParamEntry by the type check below */
export const paramEntrySchema = z.object({
  name: z.string(),
  type: z.enum(['number', 'integer', 'boolean', 'enum', 'color', 'string']),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional().describe('a sensible slider increment'),
  default: z.union([z.number(), z.boolean(), z.string()]).optional(),
  unit: z.string().optional().describe("shown beside the value: 'px', '°', 'Hz'..."),
  options: z.array(z.string()).optional().describe('the allowed values of an enum'),
  description: z.string()
}) satisfies z.ZodType<ParamEntry>

/** One effect of GET /effects and the body of GET /effects/{name} */
export const effectEntrySchema = z.object({
  name: z.string(),
  version: z.string(),
  description: z.string(),
  group: z.enum(EFFECT_GROUPS),
  temporal: z.boolean().describe('looks at more than one frame: on a still picture it renders a clip'),
  inputs: z.int().describe('how many pictures it takes'),
  params: z.array(paramEntrySchema)
}) satisfies z.ZodType<EffectEntry>

export const effectListSchema = z.object({ items: z.array(effectEntrySchema), total: z.int() })

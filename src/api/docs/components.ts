import { z } from 'zod'
import { revokeResultSchema, revokeUserResultSchema, whoAmISchema } from '../../auth/index.js'
import { effectEntrySchema, effectListSchema } from '../effects/schemas.js'
import {
  assetListSchema, assetSchema, configDeletedSchema, configPageSchema, configSchema, contentPageSchema, contentSchema,
  deleteResultSchema, discardResultSchema, errorSchema, healthSchema, runPageSchema, runSchema, serverInfoSchema, stepSchema,
  storedContentSchema
} from '../responses.js'

/** Every named response schema of the document; a schema used inside another becomes a $ref to its name */
const COMPONENTS: Readonly<Record<string, z.ZodType>> = {
  Error: errorSchema,
  Step: stepSchema,
  Run: runSchema,
  RunPage: runPageSchema,
  Content: contentSchema,
  ContentPage: contentPageSchema,
  StoredContent: storedContentSchema,
  DeleteResult: deleteResultSchema,
  DiscardResult: discardResultSchema,
  Asset: assetSchema,
  AssetList: assetListSchema,
  Config: configSchema,
  ConfigPage: configPageSchema,
  ConfigDeleted: configDeletedSchema,
  Effect: effectEntrySchema,
  EffectList: effectListSchema,
  ServerInfo: serverInfoSchema,
  Health: healthSchema,
  RevokeResult: revokeResultSchema,
  RevokeUserResult: revokeUserResultSchema,
  WhoAmI: whoAmISchema
}

/** The OpenAPI `components.schemas`, generated from the zod schemas the handlers answer with */
export function componentSchemas (): Record<string, unknown> {
  const registry = z.registry<{ id: string }>()
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id })
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}` })
  // the document's own dialect and ids apply: each component drops the ones zod writes into it
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => {
    const component: Record<string, unknown> = { ...schema }
    delete component.$schema
    delete component.$id
    return [id, component]
  }))
}

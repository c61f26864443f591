import { z } from 'zod'

/** The JSON answers of the auth routes; the API's OpenAPI document is generated from these schemas */

const tokenHash = z.string().regex(/^[0-9a-f]{64}$/).describe("the token's sha256, hex")

export const revokeResultSchema = z.object({ revoked: z.literal(1), token_hash: tokenHash })
export const revokeUserResultSchema = z.object({ revoked: z.int().nonnegative().describe('tokens of the user revoked here'), username: z.string() })
export const whoAmISchema = z.object({
  user: z.string().nullable().describe('null when anonymous'),
  via: z.enum(['bearer', 'cookie', 'none']).nullable(),
  admin: z.boolean(),
  mode: z.enum(['l2', 'local', 'none'])
})

export type RevokeResult = z.output<typeof revokeResultSchema>
export type RevokeUserResult = z.output<typeof revokeUserResultSchema>
export type WhoAmI = z.output<typeof whoAmISchema>

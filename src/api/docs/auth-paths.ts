/** The OpenAPI paths of src/auth's routes (login, revocation, the caller, logout) */
type Json = Record<string, unknown>

const json = (schema: Json): Json => ({ 'application/json': { schema } })
const err = (...statuses: number[]): Json => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]))
const secured = [{ bearer: [] }, { cookie: [] }]
const str = { type: 'string' }
const hex = { type: 'string', pattern: '^[0-9a-f]{64}$' }
const form = (schema: Json): Json => ({ ...json(schema), 'application/x-www-form-urlencoded': { schema } })
const redirect = (description: string): Json => ({ 302: { description, headers: { Location: { schema: str } } } })

export const AUTH_PATHS: Record<string, unknown> = {
  '/auth': {
    get: {
      summary: 'Log a browser in: verifies the token and sets the session cookie (a random session id, never the token)', tags: ['auth'],
      parameters: [
        { name: 'auth_token', in: 'query', schema: str, description: 'l2 mode: the token L2 redirects with' },
        { name: 'token', in: 'query', schema: str, description: 'local mode: the admin token' }
      ],
      responses: { ...redirect('logged in: Set-Cookie artdag_session, redirect to /'), ...err(400, 401, 403) }
    }
  },
  '/auth/revoke': {
    post: {
      summary: 'Revoke a token: the caller\'s own (empty body, or its token / token_hash), or any for the admin',
      description: 'Needs a user (anonymous: 401, nothing written). A revocation lasts until the token expires. Revoking the local admin token removes it: the node\'s next start prints a new one.',
      tags: ['auth'], security: secured,
      requestBody: { content: form({ type: 'object', properties: { token: str, token_hash: hex } }) },
      responses: { 200: { description: 'revoked', content: json({ $ref: '#/components/schemas/RevokeResult' }) }, ...err(400, 401, 403) }
    }
  },
  '/auth/revoke-user': {
    post: {
      summary: 'Revoke every token of a user here (L2 calls this on logout)',
      description: 'Proof: a token of that user scoped to this node, as Bearer or body field token; L2 vouches for it even after revoking it. Local mode: the admin token. The session cookie is not accepted.',
      tags: ['auth'], security: [{ bearer: [] }],
      requestBody: { required: true, content: form({ type: 'object', required: ['username'], properties: { username: str, token: str } }) },
      responses: { 200: { description: 'revoked', content: json({ $ref: '#/components/schemas/RevokeUserResult' }) }, ...err(400, 401, 403) }
    }
  },
  '/auth/whoami': {
    get: { summary: 'The caller (null when anonymous)', tags: ['auth'], responses: { 200: { description: 'the caller', content: json({ $ref: '#/components/schemas/WhoAmI' }) }, ...err(401) } }
  },
  '/logout': {
    post: {
      summary: 'End the browser session (l2 mode: and revoke its token), clear the cookie', tags: ['auth'], security: secured,
      responses: { ...redirect('logged out, redirect to /'), ...err(403) }
    }
  }
}

import { z } from 'zod'
import { RUN_STATUSES } from '../../state/index.js'
import { VERSION } from '../../version.js'
import { configRunBody, configUploadJson, runBody } from '../schemas.js'
import { AUTH_PATHS } from './auth-paths.js'
import { componentSchemas } from './components.js'

type Json = Record<string, unknown>

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json): Json => ({ 'application/json': { schema } })
const body = (schema: z.ZodType): Json => {
  const schemaJson = { ...(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json) }
  delete schemaJson.$schema
  return schemaJson
}
const errors = (...statuses: number[]): Json => Object.fromEntries(statuses.map((s) => [String(s), { $ref: `#/components/responses/E${s}` }]))
const ok = (description: string, schema: Json, status = '200'): Json => ({ [status]: { description, content: json(schema) } })
const secured = [{ bearer: [] }, { cookie: [] }]

const q = (name: string, schema: Json, description: string, required = false): Json => ({ name, in: 'query', required, description, schema })
const p = (name: string, description: string): Json => ({ name, in: 'path', required: true, description, schema: { type: 'string' } })
const page = [q('offset', { type: 'integer', minimum: 0, default: 0 }, 'items to skip'), q('limit', { type: 'integer', minimum: 1, maximum: 1000, default: 20 }, 'page size')]
const wait = q('wait', { type: 'number', minimum: 0, maximum: 600 }, 'seconds to block until the run is final; the run is returned either way')
const runAnswer = { ...ok('the run already existed (same recipe and inputs)', ref('Run')), ...ok('the run was created', ref('Run'), '201') }

/**
 * The OpenAPI 3.1 description of every API route: request bodies come from the same zod schemas that
 * validate them, response bodies from the schemas the handlers' answers are typed with (components.ts)
 */
export function openApiSpec (): Json {
  const cid = p('cid', 'content id (CIDv1; CIDv0 is accepted and normalised)')
  const runId = p('id', 'run id (64 hex characters)')
  const configId = p('id', 'config id (64 hex characters) or name')
  return {
    openapi: '3.1.0',
    info: { title: 'artdag-l1', version: VERSION, description: 'L1 render node of the Art DAG system: runs recipes of media effects, stores results by CID.' },
    paths: {
      '/': { get: { summary: 'Server info', tags: ['system'], responses: ok('name, version, peer id, addresses, peers and counts', ref('ServerInfo')) } },
      '/health': { get: { summary: 'Health of Redis and the content store (checked at most once a second)', tags: ['system'], parameters: [q('deep', { type: 'string', enum: ['1', 'true', '0', 'false'] }, 'check Redis and the store now instead of answering from the last second')], responses: { ...ok('healthy', ref('Health')), 503: { description: 'a dependency is down', content: json(ref('Health')) }, ...errors(400) } } },
      '/metrics': { get: { summary: 'Prometheus metrics', tags: ['system'], responses: { 200: { description: 'text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } } },
      '/runs': {
        post: { summary: 'Start a run (a stored recipe, or an effect on inputs)', tags: ['runs'], security: secured, parameters: [wait], requestBody: { required: true, content: json(body(runBody)) }, responses: { ...runAnswer, ...errors(400, 401, 404, 413, 415) } },
        get: { summary: 'List runs, newest first', tags: ['runs'], parameters: [...page, q('status', { type: 'string', enum: [...RUN_STATUSES] }, 'only runs in this status')], responses: { ...ok('a page of runs', ref('RunPage')), ...errors(400) } }
      },
      '/runs/{id}': {
        get: { summary: 'A run: status, steps, output and provenance CIDs', tags: ['runs'], parameters: [runId], responses: { ...ok('the run', ref('Run')), ...errors(400, 404) } },
        delete: { summary: 'Discard a run (failed: always; completed: unless an item is published; running: cancel first)', tags: ['runs'], security: secured, parameters: [runId], responses: { ...ok('discarded', ref('DiscardResult')), ...errors(400, 401, 404, 409) } }
      },
      '/runs/{id}/cancel': { post: { summary: 'Cancel a pending or running run', tags: ['runs'], security: secured, parameters: [runId], responses: { ...ok('the cancelled run', ref('Run')), ...errors(400, 401, 404, 409) } } },
      '/runs/{id}/events': { get: { summary: 'Progress of a run as server-sent events; ends when the run is final', description: 'Events: `run` (the record, first and last), `render:run:status`, `render:step:status`, `render:step:progress`.', tags: ['runs'], parameters: [runId], responses: { 200: { description: 'event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }, ...errors(400, 404) } } },
      '/cache': { get: { summary: 'List stored content (uploads, imports, outputs), newest first', tags: ['cache'], parameters: page, responses: { ...ok('a page of content', ref('ContentPage')), ...errors(400) } } },
      '/cache/{cid}': {
        get: {
          summary: 'Download content by CID (byte ranges, ETag, immutable); images, video, audio and plain text inline under a sandboxing CSP, anything else as an application/octet-stream attachment', tags: ['cache'],
          parameters: [cid, { name: 'Range', in: 'header', schema: { type: 'string' }, description: 'bytes=start-end' }, { name: 'If-Range', in: 'header', schema: { type: 'string' }, description: 'the ETag; anything else sends the whole content (200)' }, { name: 'If-None-Match', in: 'header', schema: { type: 'string' } }],
          responses: { 200: { description: 'the bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, 206: { description: 'a byte range' }, 304: { description: 'not modified' }, ...errors(400, 404, 416, 502, 504) }
        },
        head: { summary: 'Size and type of content', tags: ['cache'], parameters: [cid], responses: { 200: { description: 'headers only' }, 404: { description: 'not found' }, 502: { description: 'the peer sending it broke off' }, 504: { description: 'the peer sending it went silent' } } },
        delete: { summary: 'Delete content (not if published or used by a run)', tags: ['cache'], security: secured, parameters: [cid], responses: { ...ok('deleted', ref('DeleteResult')), ...errors(400, 401, 404, 409) } }
      },
      '/cache/upload': { post: { summary: 'Upload a file (multipart/form-data with one file, or the raw bytes)', tags: ['cache'], security: secured, parameters: [q('name', { type: 'string' }, 'file name to record')], requestBody: { required: true, content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } }, 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, responses: { ...ok('the same bytes were stored already (their first type and name stay)', ref('StoredContent')), ...ok('stored', ref('StoredContent'), '201'), ...errors(400, 401, 413, 507) } } },
      '/cache/import': { post: { summary: 'Import a file from the server\'s disk (only from configured import directories)', tags: ['cache'], security: secured, parameters: [q('path', { type: 'string' }, 'absolute path of the file', true)], responses: { ...ok('the same bytes were stored already', ref('StoredContent')), ...ok('stored', ref('StoredContent'), '201'), ...errors(400, 401, 403, 404, 409) } } },
      '/ipfs/{cid}': {
        get: {
          summary: 'A DAG as a verifiable CARv1 (IPIP-402 trustless gateway), or one raw block; local blocks only, never fetched from peers', tags: ['cache'],
          parameters: [cid, q('format', { type: 'string', enum: ['car', 'raw'] }, 'response format; or Accept: application/vnd.ipld.car / application/vnd.ipld.raw'), { name: 'If-None-Match', in: 'header', schema: { type: 'string' } }, { name: 'x-artdag-cluster-token', in: 'header', schema: { type: 'string' }, description: 'a cluster member\'s proof (from the swarm key, for this CID) when anonymous reads are off' }],
          responses: { 200: { description: 'the CAR (order=dfs, dups=n, ETag "<cid>.car") or the block', content: { 'application/vnd.ipld.car': { schema: { type: 'string', format: 'binary' } }, 'application/vnd.ipld.raw': { schema: { type: 'string', format: 'binary' } } } }, 304: { description: 'not modified' }, ...errors(400, 401, 404) }
        },
        head: { summary: 'Whether this node has the DAG (headers only)', tags: ['cache'], parameters: [cid], responses: { 200: { description: 'headers only' }, 404: { description: 'not in the local store' } } }
      },
      '/assets': { get: { summary: 'Known named assets', tags: ['assets'], responses: ok('assets, by name', ref('AssetList')) } },
      '/configs/upload': { post: { summary: 'Upload a recipe (YAML); every problem is listed in details', tags: ['configs'], security: secured, requestBody: { required: true, content: { 'text/yaml': { schema: { type: 'string' } }, 'application/json': { schema: body(configUploadJson) }, 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } } }, responses: { ...ok('the same recipe existed', ref('Config')), ...ok('stored', ref('Config'), '201'), ...errors(400, 401, 413, 415) } } },
      '/configs': { get: { summary: 'List recipes', tags: ['configs'], parameters: page, responses: { ...ok('a page of recipes', ref('ConfigPage')), ...errors(400) } } },
      '/configs/{id}': {
        get: { summary: 'A recipe by id or name', tags: ['configs'], parameters: [configId], responses: { ...ok('the recipe', ref('Config')), ...errors(404) } },
        delete: { summary: 'Delete a recipe', tags: ['configs'], security: secured, parameters: [configId], responses: { ...ok('deleted', ref('ConfigDeleted')), ...errors(401, 404) } }
      },
      '/configs/{id}/run': { post: { summary: 'Run a recipe on inputs', tags: ['configs'], security: secured, parameters: [configId, wait], requestBody: { content: json(body(configRunBody)) }, responses: { ...runAnswer, ...errors(400, 401, 404) } } },
      '/effects': { get: { summary: 'The effect catalogue: every effect with each parameter\'s type, range, default, unit and description', tags: ['effects'], responses: { ...ok('every effect, grouped', ref('EffectList')), ...errors(401) } } },
      '/effects/{name}': { get: { summary: 'One effect of the catalogue', tags: ['effects'], parameters: [p('name', 'effect name')], responses: { ...ok('the effect', ref('Effect')), ...errors(401, 404) } } },
      ...AUTH_PATHS,
      '/openapi.json': { get: { summary: 'This document', tags: ['docs'], responses: ok('OpenAPI 3.1', { type: 'object' }) } },
      '/docs': { get: { summary: 'Interactive API docs', tags: ['docs'], responses: { 200: { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } } } }
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'an L2 token scoped to this node, or the local admin token' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'artdag_session', description: 'the browser session (set by /auth); every write with it also needs its CSRF token in the X-CSRF-Token header (or the first form field _csrf) and must come from this node\'s origin' }
      },
      schemas: componentSchemas(),
      responses: Object.fromEntries([400, 401, 403, 404, 405, 409, 413, 415, 416, 502, 504, 507].map((s) => [`E${s}`, { description: `error ${s}`, content: json(ref('Error')) }]))
    }
  }
}

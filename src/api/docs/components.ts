import { RUN_STATUSES } from '../../state/index.js'
/** JSON Schemas of the API's responses (OpenAPI 3.1 components), written from src/state/types.ts */
const str = { type: 'string' }
const int = { type: 'integer' }
const time = { type: 'string', format: 'date-time' }
const cid = { type: 'string', description: 'CIDv1, base32' }
const hex = { type: 'string', pattern: '^[0-9a-f]{64}$' }

export const SCHEMAS: Record<string, unknown> = {
  Error: {
    type: 'object',
    required: ['error', 'message'],
    properties: { error: { type: 'string', description: 'stable id, e.g. run-not-found' }, message: str, details: { description: 'e.g. every recipe problem with its path' } }
  },
  Step: {
    type: 'object',
    required: ['id', 'type', 'cacheId', 'status'],
    properties: {
      id: str, type: str, cacheId: hex,
      status: { type: 'string', enum: ['pending', 'running', 'completed', 'cached', 'failed', 'cancelled'] },
      cid, source: { type: 'string', enum: ['local', 'peer', 'claim'] },
      effect: { type: 'object', properties: { name: str, version: str } },
      queuedAt: { ...time, description: 'when its inputs were ready and its job was queued' },
      startedAt: { ...time, description: 'when a worker took it up (queue wait = startedAt - queuedAt)' },
      finishedAt: time, durationMs: { type: 'number', description: 'the worker\'s time on the step, without the queue wait' }, error: str, worker: str
    }
  },
  Run: {
    type: 'object',
    required: ['id', 'status', 'recipeName', 'inputs', 'steps', 'createdAt', 'updatedAt'],
    properties: {
      id: hex,
      status: { type: 'string', enum: [...RUN_STATUSES] },
      recipeId: hex, recipeName: str,
      inputs: { type: 'array', items: { type: 'object', properties: { name: str, cid } } },
      outputName: str, outputCid: cid, provenanceCid: cid,
      steps: { type: 'array', items: { $ref: '#/components/schemas/Step' } },
      user: str, error: str, createdAt: time, updatedAt: time, finishedAt: time
    }
  },
  Content: {
    type: 'object',
    required: ['cid', 'size', 'mediaType', 'addedAt'],
    properties: { cid, size: int, mediaType: str, name: str, addedAt: time }
  },
  StoredContent: { type: 'object', required: ['cid', 'size', 'mediaType'], properties: { cid, size: int, mediaType: str } },
  DeleteResult: { type: 'object', properties: { cid, cacheEntries: int } },
  DiscardResult: { type: 'object', properties: { id: hex, unpinned: { type: 'array', items: cid } } },
  Asset: { type: 'object', required: ['name', 'cid'], properties: { name: str, cid, mediaType: str, size: int, createdAt: time } },
  Config: {
    type: 'object',
    required: ['id', 'name', 'yaml', 'variableInputs', 'createdAt'],
    properties: {
      id: hex, name: str, version: str, description: str, yaml: str,
      variableInputs: { type: 'array', items: { type: 'object', properties: { nodeId: str, name: str, description: str } } },
      uploadedBy: str, createdAt: time
    }
  },
  ServerInfo: {
    type: 'object',
    properties: {
      name: str, version: str, peerId: str, listen: { type: 'array', items: str }, peers: { type: 'array', items: str },
      publicUrl: { type: ['string', 'null'] }, auth: { type: 'string', enum: ['l2', 'local', 'none'] },
      counts: { type: 'object', properties: { runs: int, content: int, recipes: int } }, docs: str
    }
  },
  Health: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['ok', 'unavailable'] }, version: str, peerId: str, checkedAt: { type: 'string', format: 'date-time' }, checks: { type: 'object' } }
  }
}

import busboy from 'busboy'
import type { Context } from 'koa'
import { parseRecipe, RecipeValidationError } from '../../dag/index.js'
import type { EffectCatalog } from '../../effects/index.js'
import type { StoredRecipe } from '../../state/index.js'
import { readJson, readRawBody } from '../body.js'
import { DEFAULT_JSON_LIMIT_BYTES } from '../constants.js'
import { PayloadTooLargeError } from '../../content/index.js'
import { BadUploadError, UnsupportedMediaTypeError } from '../errors.js'
import { configUploadJson } from '../schemas.js'
import { parseWith } from '../validate.js'

/** The recipe YAML of a config upload: a text/yaml body, JSON `{yaml}`, or a multipart file */
export async function readConfigYaml (ctx: Context): Promise<string> {
  const type = ctx.get('content-type').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'application/json' || type.endsWith('+json')) {
    return parseWith(configUploadJson, await readJson(ctx), 'config upload').yaml
  }
  if (type === 'multipart/form-data') return await readMultipartText(ctx)
  if (type === '' || /^(text\/(yaml|x-yaml|plain)|application\/(yaml|x-yaml))$/.test(type)) {
    return (await readRawBody(ctx)).toString('utf8')
  }
  throw new UnsupportedMediaTypeError(`send the recipe as text/yaml, as JSON {"yaml": "..."} or as a multipart file, not "${type}"`)
}

async function readMultipartText (ctx: Context): Promise<string> {
  const parser = busboy({ headers: ctx.req.headers, limits: { files: 1, fileSize: DEFAULT_JSON_LIMIT_BYTES } })
  return await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = []
    let sawFile = false
    let error: Error | undefined
    parser.on('file', (_field, file) => {
      sawFile = true
      file.on('data', (chunk: Buffer) => { chunks.push(chunk) })
      file.on('limit', () => { error = new PayloadTooLargeError(`recipe file is larger than ${DEFAULT_JSON_LIMIT_BYTES} bytes`) })
    })
    parser.on('field', (name, value) => { if (name === 'yaml' && !sawFile) { sawFile = true; chunks.push(Buffer.from(value)) } })
    parser.on('error', (err: Error) => { error ??= new BadUploadError(`malformed multipart body: ${err.message}`); ctx.req.resume(); reject(error) })
    parser.on('close', () => {
      if (error != null) reject(error)
      else if (!sawFile) reject(new BadUploadError('the multipart body has no recipe file'))
      else resolve(Buffer.concat(chunks).toString('utf8'))
    })
    ctx.req.pipe(parser)
  })
}

/** Parses and checks recipe YAML into a StoredRecipe; every problem is listed (RecipeValidationError) */
export function toStoredRecipe (yaml: string, effects: EffectCatalog, user: string | undefined): StoredRecipe {
  if (yaml.trim() === '') throw new RecipeValidationError([{ path: '', code: 'empty', message: 'the recipe is empty' }])
  const parsed = parseRecipe(yaml, { effects })
  if (!parsed.ok) throw new RecipeValidationError(parsed.problems)
  const { recipe } = parsed
  return {
    id: parsed.recipeId,
    name: recipe.name,
    ...(recipe.version != null ? { version: recipe.version } : {}),
    ...(recipe.description != null ? { description: recipe.description } : {}),
    yaml,
    variableInputs: parsed.variableInputs.map((v) => ({ nodeId: v.nodeId, name: v.name, ...(v.description != null ? { description: v.description } : {}) })),
    ...(user != null ? { uploadedBy: user } : {}),
    createdAt: new Date().toISOString()
  }
}

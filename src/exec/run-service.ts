import { asCid, isCid, type Cid } from '../dag/index.js'
import { effectRecipe, mediaKindOf, nameProblem, parseRecipe, planRun, RecipeValidationError, type MediaKind } from '../dag/index.js'
import type { Plan, Recipe } from '../dag/index.js'
import type { EffectCatalog } from '../effects/index.js'
import type { AssetRecord, StoredRecipe } from '../state/index.js'
import { InvalidNameError, OutputNameConflictError, UnknownParamError, RecipeNotFoundError, UnknownInputError } from './errors.js'
import type { Orchestrator, Submitted } from './orchestrator.js'

export interface RunRequest {
  /** a stored recipe id or name, or an effect name (the short form) */
  recipe: string
  /** CIDs or asset names; positional, or by variable input name / node id */
  inputs: string[] | Record<string, string>
  /** effect params for the short form; a stored recipe declares none, so any is refused */
  params?: Record<string, unknown>
  /** the name of the output; a run that exists already keeps the name it was created with */
  outputName?: string
  /** format, size, fps of the result, as requested (the planner checks it) */
  output?: unknown
  user?: string
}

export interface RunServiceComponents {
  orchestrator: Pick<Orchestrator, 'submit'>
  recipes: { resolve(idOrName: string): Promise<StoredRecipe | undefined> }
  assets: { get(name: string): Promise<AssetRecord | undefined> }
  effects: EffectCatalog
  engine: string
  /** the sniffed media type of stored content, so the planner can refuse what cannot work on it (png of a clip) */
  mediaTypes?: { mediaTypeOf(cid: Cid): Promise<string | undefined> }
}

/** parsed stored recipes kept by id (an id is the hash of the recipe it parses to, so an entry never goes stale) */
const PARSED_RECIPES_KEPT = 256

/** Turns a run request (recipe or effect + inputs) into a plan and submits it */
export class RunService {
  /** parsing YAML is the largest CPU cost of a submission; the planner never changes a recipe it is given */
  private readonly parsed = new Map<StoredRecipe['id'], Recipe>()

  constructor (private readonly components: RunServiceComponents) {}

  /** the run, and whether this request created it */
  async submit (request: RunRequest): Promise<Submitted> {
    const nameIssue = request.outputName === undefined ? undefined : nameProblem(request.outputName)
    if (nameIssue !== undefined) throw new InvalidNameError(`output_name ${nameIssue}`)
    const { plan, recipeId, name } = await this.planned(request)
    const submitted = await this.components.orchestrator.submit(plan, {
      recipeName: name,
      recipeId,
      outputName: request.outputName,
      user: request.user
    })
    const { run } = submitted
    if (request.outputName !== undefined && run.outputName !== request.outputName) {
      const current = run.outputName === undefined ? 'no output name' : `the output name "${run.outputName}"`
      throw new OutputNameConflictError(`output_name: run ${run.id} exists with ${current}, given by the request that created it; ` +
        'send that output_name or none to get the run')
    }
    return submitted
  }

  /**
   * The plan a request would submit, without submitting it: its id is the run's id, so a page can tell
   * whether that run exists already (the refusals are the ones submit would give)
   */
  async plan (request: Pick<RunRequest, 'recipe' | 'inputs' | 'params' | 'output'>): Promise<Plan> {
    return (await this.planned(request)).plan
  }

  private async planned (request: Pick<RunRequest, 'recipe' | 'inputs' | 'params' | 'output'>): Promise<{ plan: Plan, recipeId?: StoredRecipe['id'], name: string }> {
    const { recipe, recipeId, name } = await this.resolveRecipe(request)
    const inputs = await this.resolveInputs(request.inputs)
    const kinds = await this.kindsOf(Array.isArray(inputs) ? inputs : Object.values(inputs))
    const plan = planRun({ recipe, inputs, effects: this.components.effects, engine: this.components.engine, output: request.output, kindOf: (cid) => kinds.get(cid) })
    return { plan, ...(recipeId !== undefined ? { recipeId } : {}), name }
  }

  /**
   * A built-in effect's name always means the effect (a recipe cannot be uploaded under one), anything
   * else is a stored recipe's id or name. Params belong to effects: a stored recipe fixes its effects'
   * params in its YAML and declares none for a run to set.
   */
  private async resolveRecipe (request: Pick<RunRequest, 'recipe' | 'params'>): Promise<{ recipe: Recipe, recipeId?: StoredRecipe['id'], name: string }> {
    if (this.components.effects.get(request.recipe) != null) {
      return { recipe: effectRecipe(request.recipe, request.params ?? {}), name: request.recipe }
    }
    const stored = await this.components.recipes.resolve(request.recipe)
    if (stored == null) throw new RecipeNotFoundError(`unknown recipe or effect "${request.recipe}"`)
    const params = Object.keys(request.params ?? {})
    if (params.length > 0) {
      throw new UnknownParamError(`params: recipe "${stored.name}" declares no params, so ${params.map((p) => `"${p}"`).join(', ')} cannot be set ` +
        '(known: none; a recipe fixes its effects\' params in its YAML: upload a variant, or run one effect by name with params)')
    }
    return { recipe: this.parse(stored), recipeId: stored.id, name: stored.name }
  }

  private parse (stored: StoredRecipe): Recipe {
    const kept = this.parsed.get(stored.id)
    if (kept != null) return kept
    const parsed = parseRecipe(stored.yaml)
    if (!parsed.ok) throw new RecipeValidationError(parsed.problems)
    // oldest out first (a Map iterates in insertion order)
    if (this.parsed.size >= PARSED_RECIPES_KEPT) this.parsed.delete(this.parsed.keys().next().value as StoredRecipe['id'])
    this.parsed.set(stored.id, parsed.recipe)
    return parsed.recipe
  }

  private async resolveInputs (inputs: RunRequest['inputs']): Promise<Cid[] | Record<string, Cid>> {
    if (Array.isArray(inputs)) {
      return await Promise.all(inputs.map(async (value, i) => await this.resolveInput(value, `inputs[${i}]`)))
    }
    const out: Record<string, Cid> = {}
    for (const [key, value] of Object.entries(inputs)) out[key] = await this.resolveInput(value, `inputs.${key}`)
    return out
  }

  private async kindsOf (cids: Cid[]): Promise<Map<Cid, MediaKind | undefined>> {
    const lookup = this.components.mediaTypes
    return new Map(await Promise.all(cids.map(async (cid): Promise<[Cid, MediaKind | undefined]> => [cid, mediaKindOf(await lookup?.mediaTypeOf(cid))])))
  }

  /** a CID, or the name of a registered asset */
  private async resolveInput (value: string, path: string): Promise<Cid> {
    if (isCid(value)) return asCid(value)
    const asset = await this.components.assets.get(value)
    if (asset != null) return asset.cid
    throw new UnknownInputError(`${path}: "${value}" is neither a CID nor a known asset name`)
  }
}

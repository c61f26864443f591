import { existsSync } from 'node:fs'
import { coerceParams, effectRecipe, ENGINE_SALT, InputBindingError, isCid, parseRecipe, planRun, RecipeValidationError } from '../../dag/index.js'
import { EXIT } from '../client.js'
import { formatProblems } from '../problems.js'
import { err, finish, out, readRecipeFile } from './validate.js'
import type { Command } from 'commander'
import type { Recipe, RunInputs } from '../../dag/index.js'
import type { CommandOutcome, RecipeCommandDeps } from './validate.js'

export interface PlanCommandDeps extends RecipeCommandDeps {
  /** engine salt of the cache ids @default ENGINE_SALT */
  engine?: string
  /**
   * The CIDs of asset names (`cat`, `dog`...), which only a node knows; rejects with a message when the
   * node cannot be asked. Without it, inputs must be CIDs.
   */
  assetCids?: (names: readonly string[]) => Promise<ReadonlyMap<string, string>>
}

export interface PlanOptions {
  /** `name=CID` (by input name or node id) or bare CIDs (positional); not both */
  input?: string[]
  /** `k=v`, only with an effect name */
  param?: string[]
  /** problems go out as the error's details (printed once, as JSON) instead of on stderr */
  json?: boolean
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

function pairs (values: string[], flag: string): { pairs: Record<string, string> } | { outcome: CommandOutcome } {
  const result: Record<string, string> = {}
  for (const value of values) {
    const eq = value.indexOf('=')
    if (eq <= 0) return { outcome: { code: EXIT.usage, summary: `${flag} "${value}": expected name=value` } }
    result[value.slice(0, eq)] = value.slice(eq + 1)
  }
  return { pairs: result }
}

/** Inputs that are not CIDs are asset names: each is replaced by the CID the node gives it */
async function bindAssetNames (inputs: RunInputs, deps: PlanCommandDeps): Promise<{ inputs: RunInputs } | { outcome: CommandOutcome }> {
  const values = Array.isArray(inputs) ? inputs as readonly string[] : Object.values(inputs)
  const names = [...new Set(values.filter((v) => !isCid(v)))]
  if (names.length === 0) return { inputs }
  if (deps.assetCids == null) return { outcome: { code: EXIT.usage, summary: `${names.join(', ')}: not a CID` } }
  let cids: ReadonlyMap<string, string>
  try {
    cids = await deps.assetCids(names)
  } catch (e) {
    return { outcome: { code: EXIT.unreachable, summary: `${names.join(', ')}: not a CID, and asset names need a node to look them up: ${(e as Error).message}` } }
  }
  const unknown = names.filter((n) => !cids.has(n))
  if (unknown.length > 0) return { outcome: { code: EXIT.usage, summary: `${unknown.join(', ')}: neither a CID nor an asset name the node knows` } }
  const bind = (v: string): string => cids.get(v) ?? v
  return { inputs: Array.isArray(inputs) ? (inputs as readonly string[]).map(bind) : Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, bind(v)])) }
}

function parseInputs (values: string[]): { inputs: RunInputs } | { outcome: CommandOutcome } {
  const named = values.filter(v => v.includes('='))
  if (named.length === 0) return { inputs: values }
  if (named.length !== values.length) {
    return { outcome: { code: EXIT.usage, summary: '--input: use either name=CID for every input or bare CIDs in order, not both' } }
  }
  const read = pairs(values, '--input')
  return 'pairs' in read ? { inputs: read.pairs } : read
}

/**
 * `artdag plan <recipe.yaml|effect> --input name=CID ... [--param k=v]`: the plan as JSON on stdout,
 * or every problem on stderr (`file:line:col: path: message` for the recipe file's own problems) and
 * code 2. A target that names a file (or ends in .yaml / .yml) is a recipe; otherwise it must be an
 * effect of the catalog (the short form).
 */
export async function runPlan (target: string, options: PlanOptions, deps: PlanCommandDeps): Promise<CommandOutcome> {
  const effects = await deps.effects()
  const typedInputs = parseInputs(options.input ?? [])
  if ('outcome' in typedInputs) return typedInputs.outcome
  const parsedInputs = await bindAssetNames(typedInputs.inputs, deps)
  if ('outcome' in parsedInputs) return parsedInputs.outcome
  const params = pairs(options.param ?? [], '--param')
  if ('outcome' in params) return params.outcome
  let recipe: Recipe
  const isFile = /\.ya?ml$/i.test(target) || existsSync(target)
  if (isFile) {
    if (Object.keys(params.pairs).length > 0) {
      return { code: EXIT.usage, summary: '--param applies to an effect name only; set params in the recipe file' }
    }
    const read = await readRecipeFile(target)
    if ('outcome' in read) return read.outcome
    const parsed = parseRecipe(read.text, { effects })
    if (!parsed.ok) {
      if (options.json !== true) err(deps)(formatProblems(parsed.problems, target))
      const n = parsed.problems.length
      return { code: EXIT.usage, summary: `${target}: ${n} problem${n === 1 ? '' : 's'}`, error: 'recipe-validation', details: parsed.problems }
    }
    recipe = parsed.recipe
  } else {
    const def = effects.get(target)
    if (def === undefined) return { code: EXIT.usage, summary: `"${target}" is neither a recipe file nor a known effect` }
    recipe = effectRecipe(target, coerceParams(def, params.pairs))
  }
  try {
    const plan = planRun({ recipe, inputs: parsedInputs.inputs, effects, engine: deps.engine ?? ENGINE_SALT })
    out(deps)(JSON.stringify(plan, null, 2) + '\n')
    return { code: EXIT.ok }
  } catch (e) {
    if (!(e instanceof RecipeValidationError) && !(e instanceof InputBindingError)) throw e
    if (options.json !== true) err(deps)(formatProblems(e.problems))
    const n = e.problems.length
    return { code: EXIT.usage, summary: `${n} problem${n === 1 ? '' : 's'} in the ${e instanceof InputBindingError ? 'inputs' : 'recipe'}`, error: e.code, details: e.problems }
  }
}

export function registerPlanCommand (program: Command, deps: PlanCommandDeps): Command {
  return program.command('plan')
    .description('plan a recipe or an effect offline: steps, levels and cache ids as JSON')
    .argument('<recipe>', 'recipe YAML file, or an effect name (the short form)')
    .option('-i, --input <name=cid>', 'bind a variable input by name or node id (or a bare CID, in order) to a CID or an asset name (looked up on the node); repeatable', collect)
    .option('-p, --param <k=v>', 'effect parameter (with an effect name); repeatable', collect)
    .action(async (target: string, _opts: unknown, cmd: Command) => {
      finish(await runPlan(target, cmd.optsWithGlobals<PlanOptions>(), deps))
    })
}

import { paramsWithDefaults } from './effect-check.js'
import { InputBindingError, OutputChoiceError, RecipeValidationError } from './errors.js'
import { orderedSteps } from './graph.js'
import { asCacheId, asCid, asPlanId, hashCanonical } from './ids.js'
import { motionProblems, stepKinds } from './media-kinds.js'
import { outputKindProblem, readOutputChoice, type MediaKind, type OutputChoice } from './output.js'
import { checkRecipe, recipeId, variableInputs } from './recipe.js'
import type { Problem } from './errors.js'
import type { CacheId, Cid } from './ids.js'
import type { Plan, PlanStep, Recipe, VariableInput } from './types.js'
import type { EffectCatalog } from '../effects/index.js'

/** Values of a run's variable inputs: by node id or input name, or positionally in recipe order */
export type RunInputs = Record<string, string> | readonly string[]

export interface PlanRunInit {
  recipe: Recipe
  inputs: RunInputs
  effects: EffectCatalog
  /** salt of every cache id; changes with encoder settings (config ENGINE_SALT) */
  engine: string
  /** the run's output choice as requested (format, size, fps); checked here, part of the output step's config */
  output?: unknown
  /** what a source CID is (from its sniffed type); with it, kinds that cannot work are refused before the run */
  kindOf?: (cid: Cid) => MediaKind | undefined
}

/**
 * Binds every variable input the output needs (`wanted`, which positional inputs follow) to a CID, or
 * lists every binding problem. A name of a declared input the output does not use (`declared`) is
 * accepted and ignored, like the dead node itself.
 */
export function bindInputs (
  wanted: VariableInput[], inputs: RunInputs, declared: readonly VariableInput[] = wanted
): { cids: Map<string, Cid>, problems: Problem[] } {
  const problems: Problem[] = []
  const cids = new Map<string, Cid>()
  const attempted = new Set<string>()
  const bind = (input: VariableInput, value: string, path: string): void => {
    if (attempted.has(input.nodeId)) {
      problems.push({ path, code: 'duplicate-input', message: `variable input "${input.name}" (node "${input.nodeId}") is bound twice` })
      return
    }
    attempted.add(input.nodeId)
    try {
      cids.set(input.nodeId, asCid(value))
    } catch (err) {
      problems.push({ path, code: 'bad-cid', message: (err as Error).message })
    }
  }
  if (Array.isArray(inputs)) {
    inputs.forEach((value, i) => {
      const input = wanted[i]
      if (input === undefined) {
        problems.push({ path: `inputs[${i}]`, code: 'unknown-input', message: `the recipe takes ${wanted.length} variable input${wanted.length === 1 ? '' : 's'}, got ${inputs.length}` })
      } else {
        bind(input, value, `inputs[${i}]`)
      }
    })
  } else {
    for (const [key, value] of Object.entries(inputs)) {
      const path = `inputs.${key}`
      const input = wanted.find(w => w.nodeId === key) ?? wanted.find(w => w.name === key)
      if (input === undefined && declared.some(d => d.nodeId === key || d.name === key)) continue
      if (input === undefined) {
        const names = wanted.map(w => w.name === w.nodeId ? w.name : `${w.name} (node ${w.nodeId})`)
        problems.push({ path, code: 'unknown-input', message: `no variable input "${key}" (known: ${names.join(', ') || 'none'})` })
      } else {
        bind(input, value, path)
      }
    }
  }
  for (const input of wanted) {
    if (!attempted.has(input.nodeId)) {
      problems.push({ path: `inputs.${input.name}`, code: 'unbound-input', message: `variable input "${input.name}" (node "${input.nodeId}") is not bound` })
    }
  }
  return { cids, problems }
}

/**
 * Plans a run: validates the recipe against the effect catalog (RecipeValidationError), binds the
 * variable inputs (InputBindingError), drops nodes the output does not depend on, and gives every step
 * its level and cache id. Pure: the same recipe, inputs and engine always give the same plan.
 */
export function planRun (init: PlanRunInit): Plan {
  const checked = checkRecipe(init.recipe, init.effects)
  if (checked.recipe === undefined) throw new RecipeValidationError(checked.problems)
  const recipe = checked.recipe
  const wanted = variableInputs(recipe)
  const bound = bindInputs(wanted, init.inputs, variableInputs(recipe, { all: true }))
  if (bound.problems.length > 0) throw new InputBindingError(bound.problems)
  const output = outputChoiceOf(init.output, recipe)

  const steps = new Map<string, PlanStep>()
  for (const node of orderedSteps(recipe)) {
    if (node.type === 'SOURCE') {
      const cid = sourceCid(node.config, node.id, recipe, bound.cids)
      steps.set(node.id, { id: node.id, type: node.type, config: node.config, inputs: [], cacheId: sourceCacheId(cid), level: 0, cid })
      continue
    }
    const upstream = node.inputs.map(id => steps.get(id) as PlanStep)
    let config = node.config
    let effect: PlanStep['effect']
    if (node.type === 'EFFECT') {
      // validated above, so the effect exists
      const def = init.effects.get(config.effect as string)
      if (def === undefined) throw new RecipeValidationError([{ path: node.id, code: 'unknown-effect', message: `unknown effect "${String(config.effect)}"` }])
      config = { effect: def.name, params: paramsWithDefaults(def, config.params as Record<string, unknown>) }
      effect = { name: def.name, version: def.version, hash: def.hash }
    }
    // the output choice is part of the output step's config, so another format is another cache id
    if (output !== undefined && node.id === recipe.output) config = { ...config, output }
    const cacheId = stepCacheId({
      type: node.type,
      config,
      inputs: upstream.map(s => s.cid ?? s.cacheId),
      effect: effect ?? null,
      engine: init.engine
    })
    const level = 1 + Math.max(...upstream.map(s => s.level))
    steps.set(node.id, { id: node.id, type: node.type, config, inputs: [...node.inputs], cacheId, level, ...(effect === undefined ? {} : { effect }) })
  }
  if (init.kindOf !== undefined) checkKinds([...steps.values()], recipe.output, output, init)
  const inputs = wanted.map(w => ({ nodeId: w.nodeId, name: w.name, cid: bound.cids.get(w.nodeId) as Cid }))
  const rid = recipeId(recipe)
  return {
    id: asPlanId(hashCanonical({ recipe: rid, inputs: inputs.map(i => i.cid), engine: init.engine, ...(output === undefined ? {} : { output }) })),
    recipeId: rid,
    recipeName: recipe.name,
    inputs,
    steps: [...steps.values()],
    outputStep: recipe.output,
    engine: init.engine
  }
}

/** The checked output choice; OutputChoiceError names every problem (a bad field, an output nothing renders) */
function outputChoiceOf (raw: unknown, recipe: Recipe): OutputChoice | undefined {
  if (raw === undefined || raw === null) return undefined
  const read = readOutputChoice(raw)
  if ('problems' in read) throw new OutputChoiceError(read.problems)
  const last = recipe.nodes.find(n => n.id === recipe.output)
  if (last?.type === 'SOURCE') {
    throw new OutputChoiceError([{ path: 'output', code: 'output-not-rendered', message: `the recipe's output "${recipe.output}" is a source as it is: nothing renders it, so its format cannot be chosen` }])
  }
  return read.choice
}

/** With the sources' kinds known: effects that need motion fed a still, and a format that cannot hold the result */
function checkKinds (steps: PlanStep[], outputStep: string, output: OutputChoice | undefined, init: PlanRunInit): void {
  const kinds = stepKinds(steps, init.effects, init.kindOf as (cid: Cid) => MediaKind | undefined)
  const motion = motionProblems(steps, kinds, init.effects)
  if (motion.length > 0) throw new RecipeValidationError(motion)
  const kind = kinds.get(outputStep)
  const problem = output === undefined || kind === undefined ? undefined : outputKindProblem(output, kind)
  if (problem !== undefined) throw new OutputChoiceError([problem])
}

/** Cache id of a SOURCE step: derived from the CID alone, whatever the asset or input is called */
export function sourceCacheId (cid: Cid): CacheId {
  return asCacheId(hashCanonical({ type: 'SOURCE', cid }))
}

/** Cache id of a computing step; `inputs` hold upstream cache ids, or CIDs for sources */
export function stepCacheId (parts: {
  type: string
  config: Record<string, unknown>
  inputs: ReadonlyArray<CacheId | Cid>
  effect: { name: string, version: string, hash: string } | null
  engine: string
}): CacheId {
  return asCacheId(hashCanonical(parts))
}

function sourceCid (config: Record<string, unknown>, nodeId: string, recipe: Recipe, bound: Map<string, Cid>): Cid {
  if (config.input === true) return bound.get(nodeId) as Cid
  if (typeof config.asset === 'string') return (recipe.registry.assets[config.asset] as { cid: Cid }).cid
  return config.cid as Cid
}

import { isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml'
import type { Document } from 'yaml'
import { checkEffects } from './effect-check.js'
import { locateProblems } from './locate.js'
import { reachableIds } from './graph.js'
import { asRecipeId, hashCanonical } from './ids.js'
import { readRecipe } from './read-recipe.js'
import { checkStructure, draftOf } from './structure.js'
import { yamlLimitProblems } from './yaml-limits.js'
import { EFFECT_RECIPE_INPUT } from './constants.js'
import type { Problem } from './errors.js'
import type { RecipeId } from './ids.js'
import type { Recipe, VariableInput } from './types.js'
import type { EffectCatalog } from '../effects/index.js'

export type ParseResult =
  | { ok: true, recipe: Recipe, recipeId: RecipeId, variableInputs: VariableInput[] }
  | { ok: false, problems: Problem[] }

export interface ParseRecipeInit {
  /** when given, effects and their params are checked too (as validateRecipe does) */
  effects?: EffectCatalog
}

/**
 * Identity of a parsed recipe: SHA3-256 of its canonical JSON. Formatting, key order and comments of
 * the YAML do not change it, nor do spelled-out defaults of node configs.
 */
export function recipeId (recipe: Recipe): RecipeId {
  return asRecipeId(hashCanonical(recipe))
}

/**
 * The variable inputs the output depends on, in recipe order: what a run must bind (positional inputs
 * follow this order). `all` also lists inputs of nodes the output does not use.
 */
export function variableInputs (recipe: Recipe, options: { all?: boolean } = {}): VariableInput[] {
  const reachable = reachableIds(recipe)
  return recipe.nodes
    .filter(n => n.type === 'SOURCE' && n.config.input === true && (options.all === true || reachable.has(n.id)))
    .map(n => ({
      nodeId: n.id,
      name: n.config.name as string,
      ...(typeof n.config.description === 'string' ? { description: n.config.description } : {})
    }))
}

function yamlProblems (text: string): { doc?: unknown, version?: string, problems: Problem[], locate?: (problems: Problem[]) => Problem[] } {
  const limits = yamlLimitProblems(text)
  if (limits.length > 0) return { problems: limits }
  const lineCounter = new LineCounter()
  // duplicate keys are found by duplicateKeys below: the parser's own check compares every key with every other
  const document = parseDocument(text, { uniqueKeys: false, lineCounter })
  const problems: Problem[] = document.errors.map(err => {
    const pos = err.linePos?.[0]
    return {
      path: pos === undefined ? 'yaml' : `line ${pos.line}, column ${pos.col}`,
      ...(pos === undefined ? {} : { line: pos.line, column: pos.col }),
      code: 'yaml-syntax',
      message: err.message.split(/ at line \d+, column \d+/)[0] ?? err.message
    }
  })
  if (problems.length === 0) problems.push(...duplicateKeys(document, lineCounter))
  if (problems.length > 0) return { problems }
  try {
    const version = document.get('version', true) as { source?: unknown } | undefined
    return {
      doc: document.toJS({ maxAliasCount: 100 }),
      version: typeof version?.source === 'string' ? version.source : undefined,
      problems,
      locate: (found) => locateProblems(found, document, lineCounter)
    }
  } catch (err) {
    return { problems: [{ path: 'yaml', code: 'yaml-syntax', message: (err as Error).message }] }
  }
}

/** A key written twice in one mapping (scalar keys; a set per mapping, so linear in the document) */
function duplicateKeys (document: Document, lineCounter: LineCounter): Problem[] {
  const problems: Problem[] = []
  visit(document, {
    Map (_key, map) {
      if (!isMap(map)) return
      const seen = new Set<unknown>()
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue
        if (seen.has(pair.key.value)) {
          const pos = lineCounter.linePos(pair.key.range?.[0] ?? 0)
          problems.push({ path: `line ${pos.line}, column ${pos.col}`, line: pos.line, column: pos.col, code: 'yaml-syntax', message: `the key "${String(pair.key.value)}" is written twice in one mapping` })
        }
        seen.add(pair.key.value)
      }
    }
  })
  return problems
}

/** Parses and checks recipe YAML; never throws: every problem comes back with its path */
export function parseRecipe (yamlText: string, init: ParseRecipeInit = {}): ParseResult {
  const { doc, version, problems, locate = (found: Problem[]) => found } = yamlProblems(yamlText)
  if (problems.length > 0) return { ok: false, problems }
  const read = readRecipe(doc, version)
  if (!read.complete) return { ok: false, problems: locate(read.problems) }
  const checked = checkStructure(read.draft)
  const all = [...read.problems, ...checked.problems]
  if (init.effects !== undefined) {
    all.push(...checkEffects(read.draft.registry, checked.checked, init.effects))
    all.push(...reservedName(read.draft.head.name, init.effects))
  }
  if (all.length > 0 || checked.recipe === undefined) return { ok: false, problems: locate(all) }
  const recipe = checked.recipe
  return { ok: true, recipe, recipeId: recipeId(recipe), variableInputs: variableInputs(recipe) }
}

/**
 * A recipe cannot take a built-in effect's name: `{"recipe": "<name>"}` in a run request would then mean
 * two things. The effect's own short form (effectRecipe) carries its name, but is never parsed from YAML.
 */
function reservedName (name: string, effects: EffectCatalog): Problem[] {
  if (effects.get(name) === undefined) return []
  return [{
    path: 'name',
    code: 'reserved-name',
    message: `"${name}" is the name of a built-in effect; a recipe cannot take it (run the effect as {"recipe": "${name}"}, or name the recipe otherwise)`
  }]
}

/**
 * Every problem of a recipe (possibly built in code) against the effect catalog; [] when it is valid.
 * Structural checks run again, so a hand-built recipe gets the same checks as parsed YAML.
 */
export function validateRecipe (recipe: Recipe, init: { effects: EffectCatalog }): Problem[] {
  return checkRecipe(recipe, init.effects).problems
}

/** validateRecipe, also returning the recipe with normalised configs when it is valid */
export function checkRecipe (recipe: Recipe, effects: EffectCatalog): { recipe?: Recipe, problems: Problem[] } {
  const checked = checkStructure(draftOf(recipe))
  const problems = [...checked.problems, ...checkEffects(recipe.registry, checked.checked, effects)]
  return problems.length > 0 || checked.recipe === undefined ? { problems } : { recipe: checked.recipe, problems }
}

/**
 * The short form "effect X on input Y" as a one-step recipe: a variable SOURCE named "input" feeding
 * one EFFECT node. It is a pure function of (effect, params), so the same effect, params and input
 * give the same recipe id and plan id. Params are kept as given: spelling out a default gives another
 * plan id, but the step's cache id (params with defaults) is the same, so nothing renders twice.
 */
export function effectRecipe (effectName: string, params: Record<string, unknown> = {}): Recipe {
  return {
    name: effectName,
    registry: { assets: {}, effects: {} },
    nodes: [
      { id: EFFECT_RECIPE_INPUT, type: 'SOURCE', config: { input: true, name: EFFECT_RECIPE_INPUT }, inputs: [] },
      { id: 'effect', type: 'EFFECT', config: { effect: effectName, params }, inputs: [EFFECT_RECIPE_INPUT] }
    ],
    output: 'effect'
  }
}

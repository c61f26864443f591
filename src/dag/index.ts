/**
 * Recipes: parsing, validation, identifiers and planning. Pure: no I/O.
 */
export { parseRecipe, validateRecipe, effectRecipe, recipeId, variableInputs } from './recipe.js'
export type { ParseResult, ParseRecipeInit } from './recipe.js'
export { createPlanner } from './create-planner.js'
export type { Planner, PlannerComponents, PlannerInit } from './create-planner.js'
export { planRun, bindInputs, sourceCacheId, stepCacheId } from './planner.js'
export type { PlanRunInit, RunInputs } from './planner.js'
export { coerceParams, paramProblem, paramsWithDefaults } from './effect-check.js'
export { InputBindingError, InvalidIdError, OutputChoiceError, RecipeValidationError } from './errors.js'
export {
  CLIP_FORMATS, FORMAT_BY_EXTENSION, OUTPUT_FORMATS, STILL_FORMATS, mediaKindOf, outputChoiceSchema, outputKindProblem, readOutputChoice
} from './output.js'
export type { MediaKind, OutputChoice, OutputFormat } from './output.js'
export { motionProblems, stepKinds } from './media-kinds.js'
export type { Problem } from './errors.js'
export { NODE_TYPES } from './types.js'
export { MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, nameProblem } from './names.js'
export { MAX_RECIPE_BYTES, MAX_YAML_ALIASES, MAX_YAML_DEPTH } from './yaml-limits.js'
export type { NodeType, Plan, PlanStep, Recipe, RecipeNode, VariableInput } from './types.js'
export {
  asCacheId, asCid, asPlanId, asRecipeId, canonicalJson, cidToString, hashCanonical, isCid, isHexId, sha3Hex
} from './ids.js'
export type { CacheId, Cid, PlanId, RecipeId, RunId } from './ids.js'
export { ARITY, EFFECT_RECIPE_INPUT } from './constants.js'
export { ENGINE_SALT } from './constants.js'
export { zodProblems } from './problems.js'

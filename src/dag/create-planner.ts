import { ENGINE_SALT } from './constants.js'
import { planRun } from './planner.js'
import { effectRecipe, parseRecipe, validateRecipe } from './recipe.js'
import type { Problem } from './errors.js'
import type { RunInputs } from './planner.js'
import type { ParseResult } from './recipe.js'
import type { Plan, Recipe } from './types.js'
import type { EffectCatalog } from '../effects/index.js'

export interface PlannerComponents {
  effects: EffectCatalog
}

export interface PlannerInit {
  /** salt of every cache id @default ENGINE_SALT */
  engine?: string
}

/** The recipe functions bound to one effect catalog and engine salt */
export interface Planner {
  readonly engine: string
  /** parse and fully check recipe YAML (effects included); never throws */
  parse(yamlText: string): ParseResult
  /** every problem of a recipe; [] when valid */
  validate(recipe: Recipe): Problem[]
  /** throws RecipeValidationError / InputBindingError */
  plan(recipe: Recipe, inputs: RunInputs): Plan
  /** the short form: effect `name` with `params` on one input */
  planEffect(name: string, input: string, params?: Record<string, unknown>): Plan
}

export function createPlanner (components: PlannerComponents, init: PlannerInit = {}): Planner {
  const { effects } = components
  const engine = init.engine ?? ENGINE_SALT
  return {
    engine,
    parse: yamlText => parseRecipe(yamlText, { effects }),
    validate: recipe => validateRecipe(recipe, { effects }),
    plan: (recipe, inputs) => planRun({ recipe, inputs, effects, engine }),
    planEffect: (name, input, params = {}) => planRun({ recipe: effectRecipe(name, params), inputs: [input], effects, engine })
  }
}

import { DomainError } from '../util/index.js'

/** Thrown when a string is not a well-formed identifier (CID, cache id, run id, recipe id) */
export class InvalidIdError extends DomainError {
  override name = 'InvalidIdError'
  readonly status = 400
  readonly code = 'invalid-id'
}

/** One problem found in a recipe or in a run's inputs, with the path of the offending field */
export interface Problem {
  /** where: `dag.nodes[2].config.mode`, `inputs.video`, `line 3, column 5` */
  path: string
  message: string
  /** stable machine code: 'unknown-type', 'cycle', 'bad-config'... */
  code: string
  /** where in the recipe's YAML text (1-based), for a recipe read from YAML */
  line?: number
  column?: number
}

function summarise (what: string, problems: readonly Problem[]): string {
  const lines = problems.map(p => p.path === '' ? p.message : `${p.path}: ${p.message}`)
  return `${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${lines.join('; ')}`
}

/** A 400 that carries every problem found (as `details`), under a headline for pages */
abstract class ProblemsError extends DomainError {
  readonly status = 400
  readonly problems: Problem[]
  constructor (what: string, title: string, problems: Problem[]) {
    super(summarise(what, problems))
    this.problems = problems
    this.details = problems
    this.title = title
  }
}

/** Thrown by throwing APIs (planRun, requireRecipe) when a recipe has problems; carries every one of them */
export class RecipeValidationError extends ProblemsError {
  override name = 'RecipeValidationError'
  readonly code = 'recipe-validation'
  constructor (problems: Problem[]) { super('invalid recipe', 'The recipe has problems:', problems) }
}

/** Thrown by planRun when the run's inputs do not bind the recipe's variable inputs (unbound, unknown, not a CID) */
export class InputBindingError extends ProblemsError {
  override name = 'InputBindingError'
  readonly code = 'input-binding'
  constructor (problems: Problem[]) { super('invalid run inputs', 'The run inputs have problems:', problems) }
}

/** Thrown by planRun when a run's output choice is malformed or cannot hold what the run makes (png for a clip) */
export class OutputChoiceError extends ProblemsError {
  override name = 'OutputChoiceError'
  readonly code = 'output-choice'
  constructor (problems: Problem[]) { super('invalid output choice', 'The output choice has problems:', problems) }
}

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

/** Thrown by throwing APIs (planRun, requireRecipe) when a recipe has problems; carries every one of them */
export class RecipeValidationError extends DomainError {
  override name = 'RecipeValidationError'
  readonly status = 400
  readonly code = 'recipe-validation'
  readonly problems: Problem[]
  constructor (problems: Problem[]) {
    super(summarise('invalid recipe', problems))
    this.problems = problems
    this.details = problems
    this.title = 'The recipe has problems:'
  }
}

/** Thrown by planRun when the run's inputs do not bind the recipe's variable inputs (unbound, unknown, not a CID) */
export class InputBindingError extends DomainError {
  override name = 'InputBindingError'
  readonly status = 400
  readonly code = 'input-binding'
  readonly problems: Problem[]
  constructor (problems: Problem[]) {
    super(summarise('invalid run inputs', problems))
    this.problems = problems
    this.details = problems
    this.title = 'The run inputs have problems:'
  }
}

/** Thrown by planRun when a run's output choice is malformed or cannot hold what the run makes (png for a clip) */
export class OutputChoiceError extends DomainError {
  override name = 'OutputChoiceError'
  readonly status = 400
  readonly code = 'output-choice'
  readonly problems: Problem[]
  constructor (problems: Problem[]) {
    super(summarise('invalid output choice', problems))
    this.problems = problems
    this.details = problems
    this.title = 'The output choice has problems:'
  }
}

import { readFile } from 'node:fs/promises'
import { parseRecipe } from '../../dag/index.js'
import { CliError, EXIT } from '../client.js'
import { formatProblems } from '../problems.js'
import type { Command } from 'commander'
import type { EffectCatalog } from '../../effects/index.js'

/** What the offline recipe commands need; writers default to the process's stdout / stderr */
export interface RecipeCommandDeps {
  effects: () => Promise<EffectCatalog> | EffectCatalog
  stdout?: (text: string) => void
  stderr?: (text: string) => void
}

export interface CommandOutcome {
  /** 0 ok, 2 the recipe or inputs have problems or the command line is wrong (unreadable file, malformed option) */
  code: number
  /** one line for the error that carries a non-zero code */
  summary?: string
  /** the stable code of that error (`recipe-validation`...) and its problems, for --json */
  error?: string
  details?: unknown
}

export const out = (deps: RecipeCommandDeps): (text: string) => void => deps.stdout ?? ((text) => { process.stdout.write(text) })
export const err = (deps: RecipeCommandDeps): (text: string) => void => deps.stderr ?? ((text) => { process.stderr.write(text) })

export async function readRecipeFile (file: string): Promise<{ text: string } | { outcome: CommandOutcome }> {
  try {
    return { text: await readFile(file, 'utf8') }
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message
    return { outcome: { code: EXIT.usage, summary: `${file}: cannot read the recipe (${reason})` } }
  }
}

/** `artdag validate <recipe.yaml>`: every problem as `file:line:col: path: message`, or `ok <recipe id>` */
export async function runValidate (file: string, options: { json?: boolean }, deps: RecipeCommandDeps): Promise<CommandOutcome> {
  const read = await readRecipeFile(file)
  if ('outcome' in read) return read.outcome
  const parsed = parseRecipe(read.text, { effects: await deps.effects() })
  const write = out(deps)
  if (!parsed.ok) {
    // with --json the problems go out once, as the details of the error the program prints
    if (options.json !== true) write(formatProblems(parsed.problems, file))
    const n = parsed.problems.length
    return { code: EXIT.usage, summary: `${file}: ${n} problem${n === 1 ? '' : 's'}`, error: 'recipe-validation', details: parsed.problems }
  }
  write(options.json === true
    ? JSON.stringify({ ok: true, recipeId: parsed.recipeId, name: parsed.recipe.name, variableInputs: parsed.variableInputs }, null, 2) + '\n'
    : `ok ${parsed.recipeId}\n`)
  return { code: EXIT.ok }
}

/** Throws the CliError the program reports and turns into an exit code (program.ts) */
export function finish (outcome: CommandOutcome): void {
  if (outcome.code === EXIT.ok) return
  throw new CliError(outcome.summary ?? 'failed', outcome.code, {
    ...(outcome.error != null ? { code: outcome.error } : {}),
    ...(outcome.details !== undefined ? { details: outcome.details } : {})
  })
}

export function registerValidateCommand (program: Command, deps: RecipeCommandDeps): Command {
  return program.command('validate')
    .description('check a recipe file offline: every problem with its line, column and path, or its recipe id')
    .argument('<recipe>', 'recipe YAML file')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      finish(await runValidate(file, cmd.optsWithGlobals<{ json?: boolean }>(), deps))
    })
}

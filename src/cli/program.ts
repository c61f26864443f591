import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { CliError, EXIT, exitCodeOf } from './client.js'
import { registerCacheCommand } from './commands/cache.js'
import { registerEffectsCommand } from './commands/effects.js'
import { registerLoginCommand } from './commands/login.js'
import { registerRecipesCommand } from './commands/recipes.js'
import { registerRenderCommand } from './commands/render.js'
import { registerRunsCommand } from './commands/runs.js'
import { getDefaultServer } from './context.js'
import { terminalJson, terminalText } from './terminal-text.js'

/**
 * The root command with the commands that talk to a server. It imports nothing of the node itself,
 * so it bundles into the small downloadable client (`/download/client`).
 */
export function clientProgram (): Command {
  const program = new Command('artdag')
    .description('Art DAG L1 render node and client')
    .version(VERSION)
    .option('--server <url>', `the node to talk to (ARTDAG_SERVER, default ${getDefaultServer()})`)
    .option('--token <token>', 'API token (ARTDAG_TOKEN, or saved by `artdag login`)')
    .option('--json', 'print JSON for scripts')
    .exitOverride()
  registerRenderCommand(program)
  registerRunsCommand(program)
  registerCacheCommand(program)
  registerRecipesCommand(program)
  registerEffectsCommand(program)
  registerLoginCommand(program)
  return program
}

/** The failure as scripts read it with --json: the node's `{error, message, details?}` plus its status */
function errorJson (err: unknown): Record<string, unknown> {
  if (err instanceof CliError) {
    return { error: err.code, message: err.message, ...(err.status != null ? { status: err.status } : {}), ...(err.details !== undefined ? { details: err.details } : {}) }
  }
  if (err instanceof CommanderError) return { error: 'usage', message: err.message.replace(/^error: /, '') }
  const e = err as { code?: unknown, message?: unknown, details?: unknown } | null
  return {
    error: typeof e?.code === 'string' ? e.code : 'failed',
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(e?.details !== undefined ? { details: e.details } : {})
  }
}

/** The exit code of a failure that is not the node's answer: a local error with an HTTP status is judged by it */
function exitCodeOfError (err: unknown): number {
  if (err instanceof CliError) return err.exitCode
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage
  const { status } = (err ?? {}) as { status?: unknown }
  return typeof status === 'number' && status >= 400 && status < 600 ? exitCodeOf(status) : EXIT.failed
}

/** Every command of the tree, so one output setting reaches the subcommands commander already made */
function allCommands (command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)]
}

/**
 * Parses argv and reports a failure once: `artdag: <message>` on stderr (the node's message already names
 * every problem its details list), or with --json the failure as one JSON object on stdout. The exit
 * code tells scripts what went wrong (EXIT).
 */
export async function runProgram (program: Command, argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  // with --json, commander's own "error: ..." line is replaced by the JSON below
  if (json) for (const command of allCommands(program)) command.configureOutput({ outputError: () => {} })
  try {
    await program.parseAsync(argv)
    return EXIT.ok
  } catch (err) {
    const code = exitCodeOfError(err)
    if (code === EXIT.ok) return code
    if (json) {
      process.stdout.write(terminalJson(errorJson(err)) + '\n')
    } else if (!(err instanceof CommanderError)) {
      // commander printed its own message; anything else is shown escaped: an error can quote a stored name
      const message = (err as { message?: unknown } | null)?.message
      process.stderr.write(`artdag: ${terminalText(typeof message === 'string' ? message : String(err))}\n`)
    }
    return code
  }
}

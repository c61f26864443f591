import { Command, CommanderError } from 'commander'
import { VERSION } from '../version.js'
import { CliError, EXIT } from './client.js'
import { registerCacheCommand } from './commands/cache.js'
import { registerEffectsCommand } from './commands/effects.js'
import { registerLoginCommand } from './commands/login.js'
import { registerRecipesCommand } from './commands/recipes.js'
import { registerRenderCommand } from './commands/render.js'
import { registerRunsCommand } from './commands/runs.js'
import { terminalText } from './terminal-text.js'

/**
 * The root command with the commands that talk to a server. It imports nothing of the node itself,
 * so it bundles into the small downloadable client (`/download/client`).
 */
export function clientProgram (): Command {
  const program = new Command('artdag')
    .description('Art DAG L1 render node and client')
    .version(VERSION)
    .option('--server <url>', 'the node to talk to (ARTDAG_SERVER, default http://127.0.0.1:8100)')
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

/** Parses argv and maps every failure to a message on stderr and a meaningful exit code */
export async function runProgram (program: Command, argv: string[]): Promise<number> {
  try {
    await program.parseAsync(argv)
    return EXIT.ok
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage
    }
    if (err instanceof CliError) {
      // server answers are shown escaped: an error can quote a stored name
      process.stderr.write(`artdag: ${terminalText(err.message)}\n`)
      if (Array.isArray(err.details)) {
        for (const d of err.details as Array<{ path?: unknown, message?: unknown }>) {
          process.stderr.write(`  ${terminalText(String(d.path ?? ''))}: ${terminalText(typeof d.message === 'string' ? d.message : JSON.stringify(d))}\n`)
        }
      }
      return err.exitCode
    }
    const named = err as { name?: string, message?: string }
    process.stderr.write(`artdag: ${terminalText(named.message ?? String(err))}\n`)
    return named.name === 'ConfigError' || named.name === 'RecipeValidationError' ? EXIT.usage : EXIT.failed
  }
}

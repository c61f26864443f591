import type { Command } from 'commander'
import { registerLocalCommands } from './commands/local.js'
import { registerServeCommands } from './commands/serve.js'
import { registerSwarmKeyCommand } from './commands/swarm-key.js'
import { clientProgram } from './program.js'

/** The node's own CLI: the client commands plus serve, worker, plan, validate and swarm-key */
export function fullProgram (): Command {
  const program = clientProgram()
  registerServeCommands(program)
  registerLocalCommands(program)
  registerSwarmKeyCommand(program)
  return program
}

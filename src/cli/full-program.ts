import type { Command } from 'commander'
import { registerAdminTokenCommand } from './commands/admin-token.js'
import { registerLocalCommands } from './commands/local.js'
import { registerServeCommands } from './commands/serve.js'
import { registerSwarmKeyCommand } from './commands/swarm-key.js'
import { clientProgram } from './program.js'

/** The node's own CLI: the client commands plus serve, worker, admin-token, plan, validate and swarm-key */
export function fullProgram (): Command {
  const program = clientProgram()
  registerServeCommands(program)
  registerAdminTokenCommand(program)
  registerLocalCommands(program)
  registerSwarmKeyCommand(program)
  return program
}

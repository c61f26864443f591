import type { Command } from 'commander'
import { clientFor, globals, print, readSettings, writeSettings, settingsPath } from '../context.js'

export function registerLoginCommand (program: Command): void {
  program.command('login')
    .description('save a server URL and token for the other commands (checked against the server)')
    .argument('<token>', 'an API token (the admin token printed by `artdag serve`, or one from L2)')
    .action(async (token: string, _opts: unknown, cmd: Command) => {
      const opts = globals(cmd)
      const settings = { ...readSettings(), token, ...(opts.server != null ? { server: opts.server } : {}) }
      writeSettings(settings)
      const who = await clientFor(cmd).json<{ user?: string }>('GET', '/auth/whoami').catch(() => ({ user: undefined }))
      print(cmd, `saved to ${settingsPath()}${who.user != null ? ` (logged in as ${who.user})` : ''}`, { saved: settingsPath(), user: who.user ?? null })
    })
}

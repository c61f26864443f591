import type { Command } from 'commander'
import { CliError, EXIT } from '../client.js'
import { clientFor, globals, print, readSettings, settingsPath, writeSettings } from '../context.js'
import { terminalText as t } from '../terminal-text.js'

interface Whoami { user: string | null, mode?: string }

export function registerLoginCommand (program: Command): void {
  program.command('login')
    .description('check a token against the server, then save it (and --server) for the other commands')
    .argument('<token>', 'an API token (the admin token `artdag serve` shows, or one from L2)')
    .action(async (token: string, _opts: unknown, cmd: Command) => {
      const opts = globals(cmd)
      // the token given here is the one checked, whatever the environment or the saved settings say
      const client = clientFor(cmd, { token })
      let who: Whoami
      try {
        who = await client.json<Whoami>('GET', '/auth/whoami')
      } catch (err) {
        if (!(err instanceof CliError)) throw err
        throw new CliError(`${err.message} (nothing saved)`, err.exitCode, { code: err.code, ...(err.status != null ? { status: err.status } : {}) })
      }
      if (who.user == null && who.mode !== 'none') throw new CliError(`${client.server} did not accept the token (nothing saved)`, EXIT.auth)
      const settings = { ...readSettings(), token, ...(opts.server != null ? { server: opts.server } : {}) }
      writeSettings(settings)
      const as = who.mode === 'none' ? ' (this node needs no token: its auth is off)' : ` (logged in as ${t(who.user ?? '')})`
      print(cmd, `saved to ${settingsPath()}${as}`, { saved: settingsPath(), user: who.user, mode: who.mode ?? null })
    })
}

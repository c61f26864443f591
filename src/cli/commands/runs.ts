import type { Command } from 'commander'
import type { Page, RunRecord } from '../../state/index.js'
import { CliError, EXIT } from '../client.js'
import { clientFor, globals, print } from '../context.js'
import { terminalText as t } from '../terminal-text.js'
import { describeRun, watchRun } from './render.js'

function checkId (id: string): string {
  if (!/^[0-9a-f]{64}$/.test(id)) throw new CliError(`"${id}" is not a run id (64 hex characters)`, EXIT.usage)
  return id
}

export function registerRunsCommand (program: Command): void {
  const runs = program.command('runs').description('list, inspect, watch and delete runs')
  runs.command('ls').description('list runs, newest first')
    .option('--status <status>', 'only runs with this status')
    .option('--limit <n>', 'page size', '20')
    .option('--offset <n>', 'skip this many', '0')
    .action(async (opts: { status?: string, limit: string, offset: string }, cmd: Command) => {
      const query = new URLSearchParams({ limit: opts.limit, offset: opts.offset, ...(opts.status != null ? { status: opts.status } : {}) })
      const page = await clientFor(cmd).json<Page<RunRecord>>('GET', `/runs?${query}`)
      const lines = page.items.map((r) => `${t(r.id)}  ${t(r.status).padEnd(9)}  ${t(r.recipeName).padEnd(16)}  ${t(r.outputCid ?? '')}${r.outputName != null ? `  ${t(r.outputName)}` : ''}`)
      print(cmd, lines.length > 0 ? `${lines.join('\n')}\n(${page.items.length} of ${page.total})` : 'no runs', page)
    })
  runs.command('show').argument('<id>').description('show a run and its steps')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const run = await clientFor(cmd).json<RunRecord>('GET', `/runs/${checkId(id)}`)
      print(cmd, describeRun(run), run)
    })
  runs.command('watch').argument('<id>').description('follow a run until it finishes')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const run = await watchRun(clientFor(cmd), checkId(id), globals(cmd).json !== true)
      print(cmd, describeRun(run), run)
      if (run.status !== 'completed') throw new CliError(`run ${run.id} ${run.status}`, EXIT.failed)
    })
  runs.command('rm').argument('<id>').description('discard a run (failed runs always; completed ones if nothing is published)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `/runs/${checkId(id)}`)
      print(cmd, `deleted ${id}`, { deleted: id })
    })
}

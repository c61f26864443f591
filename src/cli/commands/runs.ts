import type { Command } from 'commander'
import type { Page, RunRecord } from '../../state/index.js'
import { CliError, EXIT } from '../client.js'
import { clientFor, globals, print } from '../context.js'
import { terminalText as t } from '../terminal-text.js'
import { resolveRunId } from '../run-ids.js'
import { describeRun } from '../submit.js'
import { watchRun } from '../watch.js'

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
  runs.command('show').argument('<id>', 'run id, or a prefix of 8 or more of its characters').description('show a run and its steps')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd)
      const run = await client.json<RunRecord>('GET', `/runs/${await resolveRunId(client, id)}`)
      print(cmd, describeRun(run), run)
    })
  runs.command('watch').argument('<id>', 'run id or prefix').description('follow a run until it finishes')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd)
      const run = await watchRun(client, await resolveRunId(client, id), globals(cmd).json !== true)
      print(cmd, describeRun(run), run)
      if (run.status !== 'completed') throw new CliError(`run ${run.id} ${run.status}`, EXIT.failed)
    })
  runs.command('rm').argument('<id>', 'run id or prefix').description('discard a run (failed runs always; completed ones if nothing is published)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd)
      const full = await resolveRunId(client, id)
      await client.request('DELETE', `/runs/${full}`)
      print(cmd, `deleted ${full}`, { deleted: full })
    })
  runs.command('cancel').argument('<id>').description('stop a pending or running run (its running steps are stopped too)')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const client = clientFor(cmd)
      const run = await client.json<RunRecord>('POST', `/runs/${await resolveRunId(client, id)}/cancel`)
      print(cmd, `${t(run.id)} ${t(run.status)}`, run)
    })
}

import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { RunRecord, StoredRecipe } from '../../state/index.js'
import { CliError, EXIT } from '../client.js'
import { clientFor, globals, print } from '../context.js'
import { terminalText as t } from '../terminal-text.js'
import { describeRun, watchRun } from './render.js'

export function registerRecipesCommand (program: Command): void {
  const recipes = program.command('recipes').description('stored recipes (configs)')
  recipes.command('ls').description('list stored recipes')
    .action(async (_opts: unknown, cmd: Command) => {
      const page = await clientFor(cmd).json<{ items: StoredRecipe[], total: number }>('GET', '/configs?limit=100')
      const lines = page.items.map((r) => `${t(r.id)}  ${t(r.name)}${r.version != null ? ` ${t(r.version)}` : ''}  inputs: ${r.variableInputs.map((v) => t(v.name)).join(', ') || '-'}`)
      print(cmd, lines.length > 0 ? lines.join('\n') : 'no recipes', page)
    })
  recipes.command('show').argument('<id>', 'recipe id or name')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const recipe = await clientFor(cmd).json<StoredRecipe>('GET', `/configs/${encodeURIComponent(id)}`)
      print(cmd, `# ${t(recipe.name)} (${t(recipe.id)})\n${t(recipe.yaml, { lines: true })}`, recipe)
    })
  recipes.command('upload').argument('<file>', 'recipe YAML')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const yaml = await readFile(file, 'utf8').catch(() => { throw new CliError(`${file}: cannot read`, EXIT.usage) })
      const recipe = await clientFor(cmd).json<StoredRecipe>('POST', '/configs/upload', { yaml })
      print(cmd, `${t(recipe.id)} ${t(recipe.name)}`, recipe)
    })
  recipes.command('rm').argument('<id>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `/configs/${encodeURIComponent(id)}`)
      print(cmd, `deleted ${id}`, { deleted: id })
    })
  recipes.command('run').argument('<id>', 'recipe id or name').argument('[inputs...]', 'name=CID pairs, or CIDs in order')
    .option('--sync', 'wait for the run to finish')
    .action(async (id: string, inputs: string[], opts: { sync?: boolean }, cmd: Command) => {
      const client = clientFor(cmd)
      const named = inputs.length > 0 && inputs.every((i) => i.includes('='))
      const body = { inputs: named ? Object.fromEntries(inputs.map((i) => [i.slice(0, i.indexOf('=')), i.slice(i.indexOf('=') + 1)])) : inputs }
      let run = await client.json<RunRecord>('POST', `/configs/${encodeURIComponent(id)}/run`, body)
      if (opts.sync === true) run = await watchRun(client, run.id, globals(cmd).json !== true)
      print(cmd, opts.sync === true ? describeRun(run) : `${t(run.id)} ${t(run.status)}`, run)
      if (opts.sync === true && run.status !== 'completed') throw new CliError(`run ${run.id} ${run.status}`, EXIT.failed)
    })
}

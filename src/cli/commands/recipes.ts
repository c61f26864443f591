import type { Command } from 'commander'
import type { StoredRecipe } from '../../state/index.js'
import { clientFor, collectPairs, print } from '../context.js'
import { submitAndFollow, uploadRecipeFile } from '../submit.js'
import { terminalText as t } from '../terminal-text.js'
import { checkOutputTarget } from './cache.js'

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
      const recipe = await uploadRecipeFile(cmd, clientFor(cmd), file)
      print(cmd, `${t(recipe.id)} ${t(recipe.name)}`, recipe)
    })
  recipes.command('rm').argument('<id>')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      await clientFor(cmd).request('DELETE', `/configs/${encodeURIComponent(id)}`)
      print(cmd, `deleted ${id}`, { deleted: id })
    })
  recipes.command('run').argument('<id>', 'recipe id or name').argument('[inputs...]', 'name=CID pairs, or CIDs in order')
    .option('--sync', 'wait for the run to finish and print the output CID')
    .option('-p, --param <key=value>', 'a parameter the recipe declares (repeatable)', collectPairs, {})
    .option('-o, --output <file>', 'download the output to a file (implies --sync)')
    .option('--name <outputName>', 'a name for the output')
    .action(async (id: string, inputs: string[], opts: { sync?: boolean, param: Record<string, unknown>, output?: string, name?: string }, cmd: Command) => {
      if (opts.output != null) await checkOutputTarget(opts.output)
      const named = inputs.length > 0 && inputs.every((i) => i.includes('='))
      const body: Record<string, unknown> = { inputs: named ? Object.fromEntries(inputs.map((i) => [i.slice(0, i.indexOf('=')), i.slice(i.indexOf('=') + 1)])) : inputs }
      if (Object.keys(opts.param).length > 0) body.params = opts.param
      if (opts.name != null) body.output_name = opts.name
      await submitAndFollow(cmd, clientFor(cmd), `/configs/${encodeURIComponent(id)}/run`, body, opts)
    })
}

import { existsSync, statSync } from 'node:fs'
import { extname } from 'node:path'
import type { Command } from 'commander'
import type { ApiClient } from '../client.js'
import { clientFor, collectPairs, globals } from '../context.js'
import { progressBar } from '../progress.js'
import { submitAndFollow, uploadRecipeFile } from '../submit.js'
import { checkOutputTarget } from './cache.js'
import { outputFormatOf } from './output-file.js'

/** A recipe argument that names a YAML file is uploaded first and run by its id */
async function recipeName (cmd: Command, client: ApiClient, recipe: string): Promise<string> {
  return /\.ya?ml$/i.test(recipe) ? (await uploadRecipeFile(cmd, client, recipe)).id : recipe
}

/** An input is a local file (uploaded first), else a CID or asset name passed as is */
async function resolveInput (client: ApiClient, value: string, showProgress: boolean): Promise<string> {
  if (!existsSync(value) || !statSync(value).isFile()) return value
  const bar = progressBar(`upload ${value}`, showProgress)
  bar.start(statSync(value).size)
  try {
    const { cid } = await client.upload(value, (sent) => { bar.update(sent) })
    return cid
  } finally {
    bar.stop()
  }
}

export function registerRenderCommand (program: Command): void {
  program.command('render')
    .description('render an effect or a stored recipe on inputs (CIDs, asset names or local files)')
    .argument('<recipe>', 'effect name, recipe id or name, or a recipe YAML file (uploaded first)')
    .argument('[inputs...]', 'inputs in order, or name=value for named variable inputs')
    .option('--sync', 'wait for the run to finish and print the output CID')
    .option('-p, --param <key=value>', 'effect parameter (repeatable)', collectPairs, {})
    .option('-o, --output <file>', 'download the output to a file (implies --sync)')
    .option('--name <outputName>', 'a name for the output')
    .action(async (recipe: string, inputs: string[], opts: { sync?: boolean, param: Record<string, unknown>, output?: string, name?: string }, cmd: Command) => {
      const client = clientFor(cmd)
      // the format comes from -o's extension; an extension that names none is refused before anything is sent
      const format = opts.output == null ? undefined : outputFormatOf(opts.output, extname(opts.output))
      const showProgress = globals(cmd).json !== true
      if (opts.output != null) await checkOutputTarget(opts.output)
      const named = inputs.length > 0 && inputs.every((i) => /^[A-Za-z_][\w-]*=/.test(i))
      let body: Record<string, unknown>
      if (named) {
        const byName: Record<string, string> = {}
        for (const pair of inputs) {
          const [key, ...rest] = pair.split('=')
          byName[key as string] = await resolveInput(client, rest.join('='), showProgress)
        }
        body = { recipe: await recipeName(cmd, client, recipe), inputs: byName }
      } else {
        const resolved: string[] = []
        for (const input of inputs) resolved.push(await resolveInput(client, input, showProgress))
        body = { recipe: await recipeName(cmd, client, recipe), inputs: resolved }
      }
      if (Object.keys(opts.param).length > 0) body.params = opts.param
      if (opts.name != null) body.output_name = opts.name
      if (format !== undefined) body.output = { format }
      await submitAndFollow(cmd, client, '/runs', body, opts)
    })
}

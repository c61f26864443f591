import { existsSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import type { RunRecord } from '../../state/index.js'
import type { ApiClient } from '../client.js'
import { CliError, EXIT } from '../client.js'
import { clientFor, collectPairs, globals, print } from '../context.js'
import { progressBar } from '../progress.js'
import { terminalText as t } from '../terminal-text.js'
import { downloadTo } from './cache.js'

const FINAL = new Set(['completed', 'failed', 'cancelled'])

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

/** Polls the run until it is final, drawing steps done / total */
export async function watchRun (client: ApiClient, id: string, showProgress: boolean): Promise<RunRecord> {
  const bar = progressBar(`run ${id.slice(0, 12)}`, showProgress)
  let run = await client.json<RunRecord>('GET', `/runs/${id}`)
  bar.start(run.steps.length)
  try {
    while (!FINAL.has(run.status)) {
      await new Promise((resolve) => setTimeout(resolve, 300))
      run = await client.json<RunRecord>('GET', `/runs/${id}`)
      bar.update(run.steps.filter((s) => s.status === 'completed' || s.status === 'cached').length)
    }
  } finally {
    bar.stop()
  }
  return run
}

/** A run as text; every field from the server is escaped for the terminal, one line each */
export function describeRun (run: RunRecord): string {
  const lines = [`run ${t(run.id)}`, `  status   ${t(run.status)}`, `  recipe   ${t(run.recipeName)}`]
  for (const input of run.inputs) lines.push(`  input    ${t(input.name)} = ${t(input.cid)}`)
  if (run.outputName != null) lines.push(`  name     ${t(run.outputName)}`)
  if (run.outputCid != null) lines.push(`  output   ${t(run.outputCid)}`)
  if (run.provenanceCid != null) lines.push(`  provenance ${t(run.provenanceCid)}`)
  if (run.error != null) lines.push(`  error    ${t(run.error)}`)
  for (const step of run.steps) {
    lines.push(`  - ${t(step.id).padEnd(16)} ${t(step.type).padEnd(9)} ${t(step.status).padEnd(9)} ${t(step.cid ?? '')}${step.durationMs != null ? ` ${Number(step.durationMs)} ms` : ''}`)
  }
  return lines.join('\n')
}

export function registerRenderCommand (program: Command): void {
  program.command('render')
    .description('render an effect or a stored recipe on inputs (CIDs, asset names or local files)')
    .argument('<recipe>', 'effect name, recipe id or recipe name')
    .argument('[inputs...]', 'inputs in order, or name=value for named variable inputs')
    .option('--sync', 'wait for the run to finish and print the output CID')
    .option('-p, --param <key=value>', 'effect parameter (repeatable)', collectPairs, {})
    .option('-o, --output <file>', 'download the output to a file (implies --sync)')
    .option('--name <outputName>', 'a name for the output')
    .action(async (recipe: string, inputs: string[], opts: { sync?: boolean, param: Record<string, unknown>, output?: string, name?: string }, cmd: Command) => {
      const client = clientFor(cmd)
      const showProgress = globals(cmd).json !== true
      const named = inputs.length > 0 && inputs.every((i) => /^[A-Za-z_][\w-]*=/.test(i))
      let body: Record<string, unknown>
      if (named) {
        const byName: Record<string, string> = {}
        for (const pair of inputs) {
          const [key, ...rest] = pair.split('=')
          byName[key as string] = await resolveInput(client, rest.join('='), showProgress)
        }
        body = { recipe, inputs: byName }
      } else {
        const resolved: string[] = []
        for (const input of inputs) resolved.push(await resolveInput(client, input, showProgress))
        body = { recipe, inputs: resolved }
      }
      if (Object.keys(opts.param).length > 0) body.params = opts.param
      if (opts.name != null) body.output_name = opts.name
      let run = await client.json<RunRecord>('POST', '/runs', body)
      if (opts.sync !== true && opts.output == null) {
        print(cmd, `${t(run.id)} ${t(run.status)}`, run)
        return
      }
      run = await watchRun(client, run.id, showProgress)
      if (run.status !== 'completed' || run.outputCid == null) {
        print(cmd, describeRun(run), run)
        throw new CliError(`run ${run.id} ${run.status}${run.error != null ? `: ${run.error}` : ''}`, EXIT.failed)
      }
      if (opts.output != null) await downloadTo(client, run.outputCid, opts.output, showProgress)
      print(cmd, run.outputCid, run)
    })
}

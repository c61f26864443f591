import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import type { RunRecord, StoredRecipe } from '../state/index.js'
import type { ApiClient } from './client.js'
import { CliError, EXIT } from './client.js'
import { downloadTo, STDOUT } from './commands/cache.js'
import { withOutputFile } from './commands/output-file.js'
import { globals, print } from './context.js'
import { formatProblems, problemsOf } from './problems.js'
import { terminalText as t } from './terminal-text.js'
import { watchRun } from './watch.js'

/**
 * Uploads a recipe file (a stored recipe with the same YAML is answered as it is). When the node lists
 * problems of the recipe, they are printed one per line with their place in the file, like `validate`
 * does (with --json they stay in the error's details, with their line and column).
 */
export async function uploadRecipeFile (cmd: Command, client: ApiClient, file: string): Promise<StoredRecipe> {
  const yaml = await readFile(file, 'utf8').catch(() => { throw new CliError(`${file}: cannot read the recipe`, EXIT.usage) })
  try {
    return await client.json<StoredRecipe>('POST', '/configs/upload', { yaml })
  } catch (err) {
    const problems = err instanceof CliError && err.code === 'recipe-validation' ? problemsOf(err.details) : undefined
    if (!(err instanceof CliError) || problems === undefined) throw err
    if (globals(cmd).json !== true) process.stderr.write(formatProblems(problems, file))
    const n = problems.length
    throw new CliError(`${file}: ${n} problem${n === 1 ? '' : 's'}`, err.exitCode, { ...(err.status != null ? { status: err.status } : {}), code: err.code, details: err.details })
  }
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

/** What `render` and `recipes run` share after the request body: submit, then follow and download if asked */
export async function submitAndFollow (cmd: Command, client: ApiClient, path: string, body: Record<string, unknown>, opts: { sync?: boolean, output?: string }): Promise<void> {
  const showProgress = globals(cmd).json !== true
  let run = await withOutputFile(opts.output, async () => await client.json<RunRecord>('POST', path, body))
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
  // with `-o -` the content is the output: nothing else is printed
  if (opts.output !== STDOUT) print(cmd, run.outputCid, run)
}


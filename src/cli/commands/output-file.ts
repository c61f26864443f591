import { FORMAT_BY_EXTENSION, type OutputFormat } from '../../media/index.js'
import { CliError, EXIT } from '../client.js'

/**
 * The output format `-o` asks for by its extension (`out.webm` -> webm); undefined without an extension
 * (the node's default: PNG for a still, MP4 for a clip). An extension that names no format is a usage error.
 */
export function outputFormatOf (file: string, extension: string): OutputFormat | undefined {
  if (extension === '') return undefined
  const format = FORMAT_BY_EXTENSION[extension.slice(1).toLowerCase()]
  if (format === undefined) {
    throw new CliError(`-o ${file}: "${extension}" names no output format (known: ${Object.keys(FORMAT_BY_EXTENSION).map((e) => `.${e}`).join(', ')})`, EXIT.usage)
  }
  return format
}

/** A refused output choice is reported as a problem of -o (exit 2), e.g. a .png for a run that makes a clip */
export async function withOutputFile<T> (file: string | undefined, submit: () => Promise<T>): Promise<T> {
  try {
    return await submit()
  } catch (err) {
    const details = err instanceof CliError && Array.isArray(err.details) ? err.details as Array<{ path?: unknown, message?: unknown }> : []
    const problem = details.find((d) => typeof d.path === 'string' && d.path.startsWith('output'))
    if (file === undefined || problem === undefined) throw err
    throw new CliError(`-o ${file}: ${String(problem.message)}`, EXIT.usage)
  }
}

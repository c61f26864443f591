import type { Page, RunRecord } from '../state/index.js'
import type { ApiClient } from './client.js'
import { CliError, EXIT } from './client.js'

/** the shortest prefix accepted: the commands show 12 characters, and 8 is ambiguous only in huge histories */
const MIN_PREFIX = 8
const PAGE = 200

/**
 * A run id as typed: the full 64 hex characters as they are, or a prefix of at least 8 (as the commands
 * and pages show them) matched against the node's runs. A prefix that matches none or several is refused
 * with the candidates named.
 */
export async function resolveRunId (client: ApiClient, typed: string): Promise<string> {
  const id = typed.trim().toLowerCase()
  if (/^[0-9a-f]{64}$/.test(id)) return id
  if (!/^[0-9a-f]+$/.test(id) || id.length < MIN_PREFIX) {
    throw new CliError(`"${typed}" is not a run id: give its 64 hex characters or a prefix of at least ${MIN_PREFIX}`, EXIT.usage)
  }
  const matches: string[] = []
  for (let offset = 0; ; offset += PAGE) {
    const page = await client.json<Page<RunRecord>>('GET', `/runs?limit=${PAGE}&offset=${offset}`)
    for (const run of page.items) if (run.id.startsWith(id)) matches.push(run.id)
    if (matches.length > 1 || page.items.length < PAGE || offset + PAGE >= page.total) break
  }
  if (matches.length === 1) return matches[0] as string
  if (matches.length === 0) throw new CliError(`no run id starts with ${id}`, EXIT.notFound)
  throw new CliError(`${id} is ambiguous: it starts ${matches.map((m) => m.slice(0, 16)).join(', ')}; type more of it`, EXIT.usage)
}

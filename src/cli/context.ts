import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Command } from 'commander'
import { ApiClient, CliError, EXIT } from './client.js'
import { terminalJson, terminalText } from './terminal-text.js'

export interface CliSettings {
  server?: string
  token?: string
}

/** the node a downloaded client came from (set by client-main.ts), else a node on this machine */
let defaultServer = 'http://127.0.0.1:8100'

export function setDefaultServer (url: string): void {
  defaultServer = url
}

export function getDefaultServer (): string {
  return defaultServer
}

export function settingsPath (): string {
  return process.env.ARTDAG_CLI_CONFIG ?? join(homedir(), '.artdag', 'cli.json')
}

export function readSettings (): CliSettings {
  try {
    return JSON.parse(readFileSync(settingsPath(), 'utf8')) as CliSettings
  } catch {
    return {}
  }
}

export function writeSettings (settings: CliSettings): void {
  const path = settingsPath()
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 })
}

/** Global options of the root command: --server, --token, --json */
export interface GlobalOptions {
  server?: string
  token?: string
  json?: boolean
}

export function globals (cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>()
}

/** The API client for a command: flag > env > saved settings > default; `override.token` wins over all */
export function clientFor (cmd: Command, override: { token?: string } = {}): ApiClient {
  const opts = globals(cmd)
  const saved = readSettings()
  // an empty ARTDAG_SERVER counts as unset
  const server = opts.server ?? (process.env.ARTDAG_SERVER === '' ? undefined : process.env.ARTDAG_SERVER) ?? saved.server ?? defaultServer
  try {
    const url = new URL(server)
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol')
  } catch {
    throw new CliError(`--server: "${server}" is not an http(s) URL`, EXIT.usage)
  }
  const token = override.token ?? opts.token ?? process.env.ARTDAG_TOKEN ?? saved.token
  return new ApiClient({ server, ...(token != null ? { token } : {}) })
}

/** key=value pairs (repeatable option) into an object; numbers and booleans are parsed */
export function collectPairs (value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=')
  if (eq <= 0) throw new CliError(`"${value}" is not key=value`, EXIT.usage)
  const key = value.slice(0, eq)
  const raw = value.slice(eq + 1)
  let parsed: unknown = raw
  if (raw === 'true' || raw === 'false') parsed = raw === 'true'
  else if (raw.trim() !== '' && Number.isFinite(Number(raw))) parsed = Number(raw)
  return { ...previous, [key]: parsed }
}

/**
 * Prints an answer: `data` as JSON with --json, else `human`. Both pass through the terminal filter, so
 * nothing the server stored (names, errors, older records) can reach the terminal as a control sequence;
 * the commands also escape each name on its own, so a name cannot break a line in two.
 */
export function print (cmd: Command, human: string, data: unknown): void {
  if (globals(cmd).json === true) {
    process.stdout.write(terminalJson(data) + '\n')
  } else {
    const text = terminalText(human, { lines: true })
    process.stdout.write(text.endsWith('\n') ? text : text + '\n')
  }
}

import type { Command } from 'commander'
import { configFromEnv, loadConfig, type NodeConfigInit } from '../../config/index.js'
import type { L1Node } from '../../node.js'
import { firstEvent } from '../../util/events.js'
import { announceAdminToken } from './admin-token.js'

interface NodeFlags {
  port?: string
  host?: string
  dataDir?: string
  redisUrl?: string
  redis?: string
  p2pListen?: string[]
  bootstrap?: string[]
  workers?: string
  auth?: string
}

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function flagsToConfig (flags: NodeFlags): NodeConfigInit {
  const out: Record<string, unknown> = {}
  if (flags.port != null) out.port = flags.port
  if (flags.host != null) out.host = flags.host
  if (flags.dataDir != null) out.dataDir = flags.dataDir
  if (flags.redisUrl != null || flags.redis != null) out.redisUrl = flags.redisUrl ?? flags.redis
  if (flags.p2pListen != null) out.p2pListen = flags.p2pListen
  if (flags.bootstrap != null) out.bootstrap = flags.bootstrap
  if (flags.workers != null) out.workers = flags.workers
  if (flags.auth != null) out.authMode = flags.auth
  return out as NodeConfigInit
}

/** Runs a node in this process until SIGINT/SIGTERM, then stops it in order */
async function runUntilSignal (node: L1Node): Promise<void> {
  await node.start()
  if (node.apiUrl != null) {
    process.stdout.write(`artdag: node ${node.mesh.peerId} serving ${node.apiUrl}\n`)
    for (const addr of node.mesh.multiaddrs()) process.stdout.write(`artdag: libp2p ${addr}\n`)
  }
  const token = node.http?.adminToken
  // shown once on the terminal, never logged: only its hash is stored
  if (token != null) await announceAdminToken(token, node.apiUrl)
  await firstEvent(process, ['SIGINT', 'SIGTERM'])
  await node.stop()
}

function nodeOptions (cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data directory (ARTDAG_DATA_DIR, default ~/.artdag)')
    .option('--redis-url <url>', 'use this Redis instead of a managed one (REDIS_URL)')
    .option('--p2p-listen <multiaddr>', 'libp2p listen address (repeatable)', collect)
    .option('--bootstrap <multiaddr>', 'peer to join (repeatable)', collect)
    .option('--workers <n>', 'step workers in this process (ARTDAG_WORKERS, default: cores)')
}

export function registerServeCommands (program: Command): void {
  nodeOptions(program.command('serve').description('run an L1 node: API, Helia + libp2p, sync and workers'))
    .option('--port <port>', 'HTTP port (PORT, default 8100)')
    .option('--host <host>', 'HTTP bind address (HOST, default 127.0.0.1)')
    .option('--auth <mode>', 'l2 | local | none (ARTDAG_AUTH, default local)')
    .action(async (flags: NodeFlags) => {
      const config = loadConfig(configFromEnv(process.env), flagsToConfig(flags))
      const { L1Node } = await import('../../node.js')
      await runUntilSignal(new L1Node({ config, role: 'serve' }))
    })
  nodeOptions(program.command('worker').description('run extra step workers against a node\'s Redis, joined to its mesh'))
    .option('--redis <url>', 'the Redis of the L1 node to work for')
    .action(async (flags: NodeFlags) => {
      const config = loadConfig(configFromEnv(process.env), flagsToConfig(flags))
      if (config.redisUrl == null) {
        throw new Error('worker needs --redis <url> (or REDIS_URL): the Redis of the node it works for')
      }
      const { L1Node } = await import('../../node.js')
      await runUntilSignal(new L1Node({ config, role: 'worker' }))
    })
}

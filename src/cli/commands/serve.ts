import { hostname } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { configFromEnv, constants, loadConfig, type NodeConfigInit } from '../../config/index.js'
import { SWARM_KEY_FILE } from '../../mesh/index.js'
import type { L1Node } from '../../node.js'
import { firstEvent } from '../../util/index.js'
import { announceAdminToken } from './admin-token.js'

interface NodeFlags {
  port?: string
  host?: string
  dataDir?: string
  redisUrl?: string
  redis?: string
  redisPasswordFile?: string
  p2pListen?: string[]
  bootstrap?: string[]
  workers?: string
  auth?: string
}

/**
 * the longest an orderly stop may take after SIGTERM/SIGINT (the worker pool abandons its steps well
 * before: see STEP_WORKER_CLOSE_GRACE_MS); a supervisor that waits 10 s before SIGKILL sees a clean exit
 */
const SHUTDOWN_DEADLINE_MS = 9_000

function collect (value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

function flagsToConfig (flags: NodeFlags): NodeConfigInit {
  const out: Record<string, unknown> = {}
  if (flags.port != null) out.port = flags.port
  if (flags.host != null) out.host = flags.host
  if (flags.dataDir != null) out.dataDir = flags.dataDir
  if (flags.redisUrl != null || flags.redis != null) out.redisUrl = flags.redisUrl ?? flags.redis
  if (flags.redisPasswordFile != null) out.redisPasswordFile = flags.redisPasswordFile
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
  for (const line of workerCommand(node)) process.stdout.write(`${line}\n`)
  await firstEvent(process, ['SIGINT', 'SIGTERM'])
  // a second signal does not wait for the orderly stop, nor does anyone after SHUTDOWN_DEADLINE_MS
  const now = (): void => { process.exit(1) }
  process.once('SIGINT', now).once('SIGTERM', now)
  const deadline = setTimeout(() => {
    process.stderr.write(`artdag: the node did not stop within ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway\n`)
    process.exit(1)
  }, SHUTDOWN_DEADLINE_MS)
  await node.stop()
  clearTimeout(deadline)
  // stopped: a Redis client a library still has reconnecting to a Redis that is gone must not keep the process
  process.exit(0)
}

/**
 * How to add workers to this node (its managed Redis): the command names the password file, never the
 * password, so it is safe in terminals and logs alike
 */
function workerCommand (node: L1Node): string[] {
  const redis = node.managedRedis
  if (node.role !== 'serve' || redis == null) return []
  const exposed = redis.bind.find((a) => !a.startsWith('127.') && a !== '::1')
  const host = exposed == null ? '127.0.0.1' : exposed === '0.0.0.0' || exposed === '::' ? hostname() : exposed.includes(':') ? `[${exposed}]` : exposed
  const { redisDb, redisPrefix } = node.config
  // a worker joins the node's private network: it needs the cluster's key (the node's own file when none was given)
  const swarmKey = node.config.swarmKey == null ? join(node.config.dataDir, SWARM_KEY_FILE) : '<cluster-swarm-key-file>'
  const env = [
    // a data dir of its own: a worker sharing the node's would take the node's peer id, and its start
    // would reap the node's ffmpeg children and work dirs as a dead predecessor's
    `ARTDAG_DATA_DIR=${node.config.dataDir}-worker`,
    `ARTDAG_SWARM_KEY=${swarmKey}`,
    ...(redisDb !== constants.DEFAULT_REDIS_DB ? [`ARTDAG_REDIS_DB=${redisDb}`] : []),
    ...(redisPrefix !== constants.DEFAULT_REDIS_PREFIX ? [`ARTDAG_REDIS_PREFIX=${redisPrefix}`] : [])
  ]
  const bootstrap = node.mesh.multiaddrs()[0]
  return [
    exposed == null
      ? 'artdag: extra workers on this machine (set ARTDAG_REDIS_BIND to let other machines in):'
      : `artdag: extra workers (on another machine, with copies of ${redis.passwordFile} and the swarm key):`,
    `  ${[...env, 'artdag worker', `--redis redis://${host}:${redis.port}`, `--redis-password-file ${redis.passwordFile}`,
      ...(bootstrap != null ? [`--bootstrap ${bootstrap}`] : [])].join(' ')}`
  ]
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
    .option('--redis-password-file <file>', 'a file holding that Redis\'s password: a copy of the node\'s <data dir>/redis/password (ARTDAG_REDIS_PASSWORD_FILE)')
    .action(async (flags: NodeFlags) => {
      const config = loadConfig(configFromEnv(process.env), flagsToConfig(flags))
      if (config.redisUrl == null) {
        throw new Error('worker needs --redis <url> (or REDIS_URL): the Redis of the node it works for')
      }
      const { L1Node } = await import('../../node.js')
      await runUntilSignal(new L1Node({ config, role: 'worker' }))
    })
}

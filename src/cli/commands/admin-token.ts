import { open } from 'node:fs/promises'
import type { Command } from 'commander'
import { configFromEnv, loadConfig, type NodeConfig, type NodeConfigInit } from '../../config/index.js'
import { CliError, EXIT } from '../client.js'

interface RotateFlags {
  dataDir?: string
  redisUrl?: string
}

/**
 * Writes a secret to the controlling terminal (/dev/tty), never to stdout or stderr, which are often
 * a log (systemd, docker, `npm run cluster`'s node.log). False when the process has no terminal.
 */
export async function showOnTerminal (text: string): Promise<boolean> {
  let tty
  try {
    tty = await open('/dev/tty', 'w')
  } catch {
    return false
  }
  try {
    await tty.write(text)
    return true
  } finally {
    await tty.close()
  }
}

/** What `artdag serve` shows when it made a new admin token (first start, or after the old one was revoked) */
export async function announceAdminToken (token: string, apiUrl: string | undefined): Promise<void> {
  const login = apiUrl != null ? `artdag: open ${apiUrl}/auth?token=${token} to log in the browser\n` : ''
  const shown = await showOnTerminal(`artdag: admin token (shown once; save it with \`artdag login <token>\`):\n  ${token}\n${login}`)
  if (!shown) {
    process.stdout.write('artdag: a new admin token was made, but this process has no terminal to show it on (it is never logged): ' +
      'stop the node and run `artdag admin-token rotate` to make one you can see\n')
  }
}

/**
 * `artdag admin-token rotate`: replaces the local admin token on the node's Redis while the node is
 * stopped (its managed redis-server is started for the moment, or REDIS_URL is used) and prints the
 * new token once. The old token and every browser session opened with it stop working.
 */
export function registerAdminTokenCommand (program: Command): void {
  program.command('admin-token').description('the local admin token of a node (auth mode local)')
    .command('rotate')
    .description('replace the admin token (run it while the node is stopped) and print the new one once')
    .option('--data-dir <dir>', 'the node\'s data directory (ARTDAG_DATA_DIR, default ~/.artdag)')
    .option('--redis-url <url>', 'the node\'s Redis, when it does not manage its own (REDIS_URL)')
    .action(async (flags: RotateFlags) => {
      const layer: Record<string, unknown> = {}
      if (flags.dataDir != null) layer.dataDir = flags.dataDir
      if (flags.redisUrl != null) layer.redisUrl = flags.redisUrl
      const config = loadConfig(configFromEnv(process.env), layer as NodeConfigInit)
      if (config.authMode !== 'local') {
        throw new CliError(`the node runs in auth mode ${config.authMode}: only auth mode local has an admin token`, EXIT.usage)
      }
      const token = await rotateOffline(config)
      process.stdout.write(`artdag: new admin token (shown once; the old one and its browser sessions no longer work):\n  ${token}\n`)
    })
}

async function rotateOffline (config: NodeConfig): Promise<string> {
  const { createRedisConnection, createRedisKeys, createTokenStore, startManagedRedis } = await import('../../state/index.js')
  const { rotateAdminToken } = await import('../../auth/index.js')
  let managed
  if (config.redisUrl == null) {
    try {
      managed = await startManagedRedis({ dataDir: config.dataDir, restart: false })
    } catch (err) {
      if ((err as Error).name !== 'ManagedRedisInUseError') throw err
      throw new CliError(`the node of ${config.dataDir} is running: stop it first (${(err as Error).message})`, EXIT.usage)
    }
  }
  try {
    const redis = await createRedisConnection(managed?.localUrl ?? config.redisUrl ?? '', config.redisDb)
    try {
      return await rotateAdminToken(createTokenStore({ redis, keys: createRedisKeys(config.redisPrefix) }))
    } finally {
      await redis.quit()
    }
  } finally {
    await managed?.stop()
  }
}

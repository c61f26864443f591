import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CLI, ensureBuilt, NODE24, run } from './run-cli.js'

const TOKEN = /artdag_[A-Za-z0-9_-]{43}/g

interface ServeProcess {
  url: string
  /** what the node wrote on its terminal (the pty `script` gives it) */
  terminal: () => string
  /** its log: stderr, redirected to a file, as a service manager or `npm run cluster` keeps it */
  log: () => Promise<string>
  stop: () => Promise<void>
}

/**
 * `artdag serve` (local auth, managed Redis in `dataDir`) on a terminal of its own: util-linux
 * `script` runs it on a new pty, with stderr (the pino log) redirected to a file
 */
async function serveOnTerminal (dataDir: string, logFile: string): Promise<ServeProcess> {
  const command = `exec '${NODE24}' '${CLI}' serve 2>>'${logFile}'`
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: {
      ...process.env, ARTDAG_DATA_DIR: dataDir, ARTDAG_AUTH: 'local', PORT: '0', ARTDAG_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0',
      ARTDAG_WORKERS: '0', ARTDAG_SYNC: 'false', LOG_LEVEL: 'debug', REDIS_URL: ''
    },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => { out += d.toString() })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await until(() => /serving (http:\S+)/.test(out), child, () => out)
  // the node prints its token (if it made one) right after the address
  await new Promise((resolve) => setTimeout(resolve, 300))
  return {
    url: /serving (http:\S+)/.exec(out)?.[1]?.trim() ?? '',
    terminal: () => out,
    log: async () => await readFile(logFile, 'utf8'),
    async stop () {
      // `script` passes nothing on: stop the node itself (its child), as Ctrl-C would
      const children = await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').catch(() => '')
      for (const pid of children.trim().split(/\s+/).filter((p) => p !== '')) process.kill(Number(pid), 'SIGTERM')
      await exited
    }
  }
}

async function until (ready: () => boolean, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000
  while (!ready()) {
    if (child.exitCode != null) throw new Error(`the node exited with ${child.exitCode}:\n${output()}`)
    if (Date.now() > deadline) throw new Error(`the node did not start within 60 s:\n${output()}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** status of a write with the token: 400 (the empty run request) once past auth, 401 when refused */
const writeStatus = async (url: string, token: string): Promise<number> =>
  (await fetch(`${url}/runs`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).status

describe('the local admin token across restarts', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-admin-token-'))
    await ensureBuilt()
  }, 300_000)
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  it('should show a new token on the terminal only, make a new one after a revocation, and rotate offline', async () => {
    const dataDir = join(dir, 'node')
    const logFile = join(dir, 'node.log')
    // first start: a token on the terminal, none in the log
    let node = await serveOnTerminal(dataDir, logFile)
    const first = node.terminal().match(TOKEN)?.[0] ?? ''
    expect(first).toMatch(TOKEN)
    expect(await writeStatus(node.url, first)).toBe(400)
    const login = await fetch(`${node.url}/auth?token=${first}`, { redirect: 'manual' })
    expect(login.status).toBe(302)
    expect(login.headers.getSetCookie()[0]).not.toContain(first)
    const session = /^artdag_session=([^;]+);/.exec(login.headers.getSetCookie()[0] ?? '')?.[1] ?? ''
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/)

    // revoked through the API: refused at once, and still refused after a restart, which shows a new one
    const revoked = await fetch(`${node.url}/auth/revoke`, { method: 'POST', headers: { authorization: `Bearer ${first}` } })
    expect(revoked.status).toBe(200)
    expect(await writeStatus(node.url, first)).toBe(401)
    await node.stop()
    node = await serveOnTerminal(dataDir, logFile)
    const second = node.terminal().match(TOKEN)?.[0] ?? ''
    expect(second).toMatch(TOKEN)
    expect(second).not.toBe(first)
    expect(await writeStatus(node.url, first)).toBe(401)
    expect(await writeStatus(node.url, second)).toBe(400)

    // rotating needs the node stopped (its Redis is the node's)
    const busy = await run(NODE24, [CLI, 'admin-token', 'rotate', '--data-dir', dataDir], { REDIS_URL: '', ARTDAG_AUTH: 'local' })
    expect(busy.code).toBe(2)
    expect(busy.stderr).toMatch(new RegExp(`^artdag: the node of ${dataDir} is running: stop it first`))
    await node.stop()
    const rotated = await run(NODE24, [CLI, 'admin-token', 'rotate', '--data-dir', dataDir], { REDIS_URL: '', ARTDAG_AUTH: 'local' })
    expect(rotated.stderr).toBe('')
    expect(rotated.code).toBe(0)
    const third = rotated.stdout.match(TOKEN)?.[0] ?? ''
    expect(rotated.stdout).toBe(`artdag: new admin token (shown once; the old one and its browser sessions no longer work):\n  ${third}\n`)
    node = await serveOnTerminal(dataDir, logFile)
    try {
      // a token exists: nothing new is made or shown
      expect(node.terminal().match(TOKEN)).toBeNull()
      expect(await writeStatus(node.url, second)).toBe(401)
      expect(await writeStatus(node.url, third)).toBe(400)
    } finally {
      await node.stop()
    }
    // every start logged at debug level: no token, and no session id, ever reached the log
    const log = await node.log()
    expect(log).toContain('"msg":"admin token created"')
    expect(log).toContain('"msg":"browser session started"')
    for (const secret of [first, second, third, session]) expect(log).not.toContain(secret)
    expect(log.match(TOKEN)).toBeNull()
  }, 240_000)

  it('should not print the token on stdout or stderr when it has no terminal', async () => {
    const dataDir = join(dir, 'no-tty')
    // setsid: no controlling terminal, as under a service manager or `docker run` without -t
    const child = spawn('setsid', [NODE24, CLI, 'serve'], {
      env: { ...process.env, ARTDAG_DATA_DIR: dataDir, ARTDAG_AUTH: 'local', PORT: '0', ARTDAG_P2P_LISTEN: '/ip4/127.0.0.1/tcp/0', ARTDAG_WORKERS: '0', ARTDAG_SYNC: 'false', LOG_LEVEL: 'debug', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      await until(() => out.includes('this process has no terminal'), child, () => out)
    } finally {
      child.kill('SIGTERM')
      await exited
    }
    expect(out).toContain('artdag: a new admin token was made, but this process has no terminal to show it on (it is never logged): ' +
      'stop the node and run `artdag admin-token rotate` to make one you can see')
    expect(out).toContain('"msg":"admin token created"')
    expect(out.match(TOKEN)).toBeNull()
  }, 120_000)
})

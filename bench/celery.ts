import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { createInterface, type Interface } from 'node:readline'
import { projectRoot } from '../src/util/paths.js'

/**
 * Debian's python, not whichever python3 comes first on PATH (a pyenv one has no python3-celery);
 * scripts/bench.sh installs python3-celery and python3-redis for it
 */
const PYTHON = '/usr/bin/python3'

/** The original system's engine as a peer: a Celery worker (--pool=solo) and a driver that times chains */
export interface CeleryPeer {
  version: string
  /** milliseconds for a chain of `steps` no-op tasks, submit to result, measured in the Python caller */
  chain: (steps: number) => Promise<number>
  stop: () => Promise<void>
}

function lines (child: ChildProcess): Interface {
  return createInterface({ input: child.stdout as NodeJS.ReadableStream })
}

async function stopChild (child: ChildProcess): Promise<void> {
  if (child.exitCode != null || child.signalCode != null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

/** `redisUrl`: a redis:// or redis+socket:// URL both the broker and the result backend use */
export async function startCeleryPeer (redisUrl: string): Promise<CeleryPeer> {
  const cwd = join(projectRoot(), 'bench')
  let version: string
  try {
    version = execFileSync(PYTHON, ['-c', 'import celery; print(celery.__version__)'], { cwd }).toString().trim()
  } catch {
    throw new Error(`${PYTHON} cannot import celery: install python3-celery and python3-redis (scripts/bench.sh does)`)
  }
  const env = { ...process.env, CELERY_PEER_REDIS: redisUrl }
  let workerLog = ''
  const worker = spawn(PYTHON, ['-m', 'celery', '-A', 'celery_peer', 'worker', '--pool=solo', '--loglevel=info', '--without-gossip', '--without-mingle', '--without-heartbeat'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
  worker.stdout?.on('data', (d: Buffer) => { workerLog += d.toString() })
  worker.stderr?.on('data', (d: Buffer) => { workerLog += d.toString() })
  const driver = spawn(PYTHON, ['celery_peer.py'], { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] })
  const answers: Array<(line: string) => void> = []
  const driverLines = lines(driver)
  const ready = new Promise<void>((resolve) => { answers.push(() => { resolve() }) })
  driverLines.on('line', (line) => { answers.shift()?.(line) })
  const started = Date.now()
  while (!workerLog.includes('ready.')) {
    if (worker.exitCode != null) throw new Error(`celery worker exited with ${worker.exitCode}:\n${workerLog}`)
    if (Date.now() - started > 60_000) throw new Error(`celery worker did not start within 60 s:\n${workerLog}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  await ready
  return {
    version,
    chain: async (steps) => await new Promise<number>((resolve, reject) => {
      const onExit = (): void => { reject(new Error(`celery driver exited; worker log:\n${workerLog.slice(-2000)}`)) }
      driver.once('exit', onExit)
      answers.push((line) => {
        driver.off('exit', onExit)
        const ms = Number(line)
        if (Number.isFinite(ms)) resolve(ms)
        else reject(new Error(`celery driver answered "${line}"`))
      })
      driver.stdin?.write(`${steps}\n`)
    }),
    stop: async () => {
      driver.stdin?.end()
      await Promise.all([stopChild(driver), stopChild(worker)])
    }
  }
}

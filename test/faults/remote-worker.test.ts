import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/state/types.js'
import { startNodeProcess, type NodeProcess } from '../cluster/node-process.js'
import { startWorker, type CliProcess } from '../fixtures/cli-process.js'
import { freePort } from '../fixtures/redis-server.js'
import { TEST_SWARM_KEY_HEX } from '../fixtures/swarm-key.js'
import { waitForRun } from './invariants.js'

/**
 * the worker command `artdag serve` printed: its leading VAR=value settings and its argv after `artdag`. The
 * node was given the suite's key, so the command names a placeholder for the key file: the suite's key stands in
 */
async function printedWorkerCommand (node: NodeProcess): Promise<{ env: Record<string, string>, args: string[] }> {
  // serve prints the command after the lines its start waits for: it may reach the pipe a moment later
  const deadline = Date.now() + 20_000
  let line: string | undefined
  while ((line = /^ {2}((?:[A-Z_]+=\S+ )*artdag worker .*)$/m.exec(node.log())?.[1]) == null) {
    if (Date.now() > deadline) throw new Error(`serve printed no worker command:\n${node.log()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const words = line.split(' ')
  const at = words.indexOf('artdag')
  const env = Object.fromEntries(words.slice(0, at).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]))
  expect(env.ARTDAG_SWARM_KEY, 'the printed command gives the worker the cluster key').toBeDefined()
  if (env.ARTDAG_SWARM_KEY?.startsWith('<') === true) env.ARTDAG_SWARM_KEY = TEST_SWARM_KEY_HEX
  return { env, args: words.slice(at + 1) }
}

describe('an artdag worker on its node\'s managed Redis', () => {
  let dir: string
  let node: NodeProcess
  let env: Record<string, string>
  let worker: CliProcess

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-fault-remote-worker-'))
    // the worker finds the node again after its restart by its libp2p address: keep it, as a deployment does
    env = { ARTDAG_WORKERS: '0', ARTDAG_SYNC: 'false', ARTDAG_P2P_LISTEN: `/ip4/127.0.0.1/tcp/${await freePort()}`, ARTDAG_CLAIM_LEASE_MS: '2000' }
    node = await startNodeProcess(join(dir, 'node'), env)
  }, 120_000)

  afterAll(async () => {
    worker?.child.kill('SIGKILL')
    await node?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  const render = async (effect: string): Promise<RunRecord> => {
    const { status, body } = await node.api<RunRecord>('POST', '/runs', { recipe: effect, inputs: ['cat'] })
    expect(status, JSON.stringify(body)).toBeLessThan(300)
    const done = await waitForRun(node.url, body.id, 120_000)
    expect(done.status, done.error).toBe('completed')
    return done
  }

  it('should keep working across a restart of the node with the command serve printed, and stop within 10 s of SIGTERM once Redis is gone', async () => {
    const passwordFile = join(dir, 'node', 'redis', 'password')
    const password = (await readFile(passwordFile, 'utf8')).trim()
    const printed = await printedWorkerCommand(node)
    const args = printed.args
    expect(args.join(' ')).toMatch(new RegExp(`^worker --redis redis://127\\.0\\.0\\.1:\\d+ --redis-password-file ${passwordFile} --bootstrap /ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${node.peerId}$`))
    expect(node.log()).not.toContain(password)

    // exactly the printed arguments after `worker`, one step at a time
    worker = startWorker(args.slice(1), join(dir, 'worker'), { ...printed.env, ARTDAG_SYNC: 'false', LOG_LEVEL: 'info' })
    const first = await render('invert')
    expect(first.steps.find((s) => s.type === 'EFFECT')!.worker).toContain(`:${worker.child.pid}:`)

    await node.stop('SIGTERM')
    node = await startNodeProcess(join(dir, 'node'), env)
    // the same port and password: the command printed now is the one the worker already runs
    expect(await printedWorkerCommand(node)).toEqual(printed)
    const second = await render('grayscale')
    expect(second.steps.find((s) => s.type === 'EFFECT')!.worker).toContain(`:${worker.child.pid}:`)
    expect(worker.log()).not.toContain(password)

    // the node and its redis-server go away; the worker is told to stop while its Redis is gone
    await node.stop('SIGTERM')
    const exited = new Promise<number>((resolve) => { worker.child.once('exit', () => { resolve(Date.now()) }) })
    // let its clients notice that Redis is gone (they start to reconnect)
    const deadline = Date.now() + 20_000
    while (!/redis connection error|ECONNREFUSED|connect ENOENT/.test(worker.log()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    const signalled = Date.now()
    worker.child.kill('SIGTERM')
    const took = await Promise.race([exited, new Promise<number>((resolve) => setTimeout(() => { resolve(Infinity) }, 15_000))]) - signalled
    expect(took, worker.log()).toBeLessThan(10_000)
  }, 300_000)
})

import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunRecord } from '../../src/state/types.js'
import { startNodeProcess, uploadTestClip, type NodeProcess } from '../cluster/node-process.js'

const ENV = { ARTDAG_WORKERS: '1', ARTDAG_CLAIM_LEASE_MS: '2000', ARTDAG_SYNC: 'false' }

/** pids of the ffmpeg processes rendering under `workRoot`, with the argv of each */
async function ffmpegUnder (workRoot: string): Promise<Array<{ pid: number, argv: string[] }>> {
  const found: Array<{ pid: number, argv: string[] }> = []
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0')
    // a zombie (killed, not yet reaped by its new parent) has an empty cmdline: it runs no more
    if (argv[0] === 'ffmpeg' && argv.some((a) => a.startsWith(workRoot + sep))) found.push({ pid: Number(name), argv })
  }
  return found
}

describe('a node SIGKILLed mid-render', () => {
  let dir: string
  let node: NodeProcess
  let clip: string

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'artdag-fault-children-'))
    node = await startNodeProcess(join(dir, 'node'), ENV)
    clip = await uploadTestClip(node, dir, 120)
  }, 120_000)

  afterAll(async () => {
    await node?.stop()
    if (dir != null) await rm(dir, { recursive: true, force: true })
  })

  it('should leave no ffmpeg of the old node running and no work dir of it after the next start', async () => {
    const workRoot = join(dir, 'node', 'work')
    const { body: run } = await node.api<RunRecord>('POST', '/runs', { recipe: 'blur', inputs: [clip], params: { radius: 45 } })
    const deadline = Date.now() + 60_000
    let rendering = await ffmpegUnder(workRoot)
    while (rendering.length === 0) {
      if (Date.now() > deadline) throw new Error('the blur never started rendering')
      await new Promise((resolve) => setTimeout(resolve, 50))
      rendering = await ffmpegUnder(workRoot)
    }
    const [{ pid, argv }] = rendering as [{ pid: number, argv: string[] }]
    const stepDir = argv.find((a) => a.startsWith(workRoot + sep))!.slice(workRoot.length + 1).split(sep)[0]!

    await node.stop('SIGKILL')
    // nothing stops it: the node is gone, the render (a minute long) goes on
    expect((await ffmpegUnder(workRoot)).map((p) => p.pid)).toContain(pid)
    expect(await readdir(workRoot)).toContain(stepDir)

    node = await startNodeProcess(join(dir, 'node'), ENV)
    expect((await ffmpegUnder(workRoot)).map((p) => p.pid)).not.toContain(pid)
    expect(await readdir(workRoot)).not.toContain(stepDir)
    // the new node takes the interrupted run up again: its own render, in a dir of its own
    const again = Date.now() + 60_000
    while ((await ffmpegUnder(workRoot)).length === 0 && Date.now() < again) await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await readdir(workRoot)).length).toBe(1)
    const { status } = await node.api('POST', `/runs/${run.id}/cancel`)
    expect(status).toBe(200)
  }, 300_000)
})

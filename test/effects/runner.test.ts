import { spawn } from 'node:child_process'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { projectRoot } from '../../src/util/paths.js'
import { FfmpegError, FfmpegSpawnError, FfmpegTimeoutError, runFfmpeg } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'

/** whether the process runs (a killed child of a process that died is a zombie until init reaps it) */
async function running (pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && stat[stat.lastIndexOf(')') + 2] !== 'Z'
}

async function until (what: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!await probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** pids of the processes whose argv holds `marker` */
async function processesWith (marker: string): Promise<number[]> {
  const found: number[] = []
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '')).split('\0')
    if (argv.includes(marker) && Number(name) !== process.pid) found.push(Number(name))
  }
  return found
}

let m: TestMedia
beforeAll(async () => { m = await makeTestMedia() })
afterAll(async () => { await m.cleanup() })

/** a render that takes several seconds: real-time pacing (-re) of a 30 s generated source */
const SLOW = ['-hide_banner', '-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=30', '-f', 'null', '-']

describe('runFfmpeg', () => {
  it('should abort when passed an aborted signal', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop now'))
    await expect(runFfmpeg(SLOW, { signal: controller.signal })).rejects.toThrow('stop now')
  })

  it('should kill ffmpeg when aborted mid-run and reject with the abort reason', async () => {
    const controller = new AbortController()
    const started = Date.now()
    setTimeout(() => { controller.abort() }, 500)
    const err = await runFfmpeg(SLOW, { signal: controller.signal }).catch((e: unknown) => e)
    expect((err as Error).name).toBe('AbortError')
    expect(Date.now() - started).toBeLessThan(5_000)
  })

  it('should kill the program\'s whole process group when aborted, not the program alone', async () => {
    const pidFile = join(m.dir, 'grandchild.pid')
    const controller = new AbortController()
    // a program that starts a child of its own, as a shell or a wrapper script does
    const rendering = runFfmpeg(['-c', `sleep 60 & echo $! > ${pidFile}; wait`], { ffmpegPath: '/bin/sh', signal: controller.signal })
    rendering.catch(() => {})
    let grandchild = 0
    await until('the grandchild to start', async () => {
      grandchild = Number((await readFile(pidFile, 'utf8').catch(() => '')).trim())
      return grandchild > 0
    })
    controller.abort()
    await expect(rendering).rejects.toThrow()
    await until('the grandchild to be gone', async () => !await running(grandchild))
  })

  it('should take ffmpeg down with the process that started it when that process exits', async () => {
    const marker = `testsrc2=size=160x120:rate=25:duration=${30 + Math.random()}`
    const script = `const { runFfmpeg } = await import(${JSON.stringify(join(projectRoot(), 'dist', 'src', 'effects', 'index.js'))})
      runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-re', '-f', 'lavfi', '-i', ${JSON.stringify(marker)}, '-f', 'null', '-']).catch(() => {})
      setTimeout(() => { throw new Error('the node crashes') }, 1500)`
    const node = spawn(join(projectRoot(), 'node_modules', '.bin', 'node'), ['--input-type=module', '-e', script], { stdio: 'ignore' })
    let ffmpeg: number[] = []
    await until('ffmpeg to start', async () => (ffmpeg = await processesWith(marker)).length > 0)
    await new Promise((resolve) => node.once('exit', resolve))
    expect(node.exitCode).not.toBe(0)
    await until('ffmpeg to be gone', async () => !(await Promise.all(ffmpeg.map(running))).some(Boolean))
  })

  it('should kill ffmpeg on timeout with a non-deterministic FfmpegTimeoutError', async () => {
    const err = await runFfmpeg(SLOW, { timeoutMs: 400 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FfmpegTimeoutError)
    expect((err as FfmpegTimeoutError).message).toBe('ffmpeg was killed after its timeout of 400 ms')
    expect((err as FfmpegTimeoutError).deterministic).toBe(false)
  })

  it('should put the exit code and the tail of stderr into a deterministic FfmpegError', async () => {
    const err = await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-i', m.image, '-vf', 'nosuchfilter=1', '-f', 'null', '-']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FfmpegError)
    const ffErr = err as FfmpegError
    expect(ffErr.exitCode).not.toBe(0)
    expect(ffErr.deterministic).toBe(true)
    expect(ffErr.stderrTail.some((line) => line.includes("No such filter: 'nosuchfilter'"))).toBe(true)
    expect(ffErr.message.split('\n')[0]).toMatch(/^ffmpeg exited with code \d+$/)
    expect(ffErr.message).toContain("No such filter: 'nosuchfilter'")
  })

  it('should keep only the last 20 lines of stderr', async () => {
    const lines: string[] = []
    const result = await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'info', '-f', 'lavfi', '-i', 'testsrc2=size=32x32:rate=25:duration=2',
      '-vf', 'showinfo', '-f', 'null', '-'], { onStderrLine: (line) => { lines.push(line) } })
    expect(lines.length).toBeGreaterThan(50)
    expect(result.stderrTail).toEqual(lines.slice(-20))
  })

  it('should fail with FfmpegSpawnError when the binary does not exist', async () => {
    await expect(runFfmpeg(['-version'], { ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toThrow(FfmpegSpawnError)
    await expect(runFfmpeg(['-version'], { ffmpegPath: '/nonexistent/ffmpeg' })).rejects.toThrow('cannot start /nonexistent/ffmpeg: spawn /nonexistent/ffmpeg ENOENT')
  })

  it('should report progress against the duration hint', async () => {
    const seen: number[] = []
    await runFfmpeg(['-hide_banner', '-nostdin', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25:duration=2', '-f', 'null', '-'],
      { durationHint: 2, onProgress: (f) => { seen.push(f) } })
    expect(seen.at(-1)).toBe(1)
    expect(seen.every((f) => f >= 0 && f <= 1)).toBe(true)
  })
})

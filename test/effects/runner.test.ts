import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FfmpegError, FfmpegSpawnError, FfmpegTimeoutError, runFfmpeg } from '../../src/effects/index.js'
import { makeTestMedia, type TestMedia } from '../fixtures/media.js'

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

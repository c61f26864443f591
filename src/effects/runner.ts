import { spawn } from 'node:child_process'
import { DEFAULT_FFMPEG_PATH, DEFAULT_FFMPEG_TIMEOUT_MS, KILL_GRACE_MS, STDERR_TAIL_LINES } from './constants.js'
import { FfmpegError, FfmpegSpawnError, FfmpegTimeoutError } from './errors.js'

export interface RunFfmpegInit {
  signal?: AbortSignal
  /** kill ffmpeg after this long @default DEFAULT_FFMPEG_TIMEOUT_MS (30 min) */
  timeoutMs?: number
  /** 0..1, from `-progress pipe:1` out_time against durationHint */
  onProgress?(fraction: number): void
  /** expected output duration in seconds; without it no fractional progress is reported */
  durationHint?: number
  /** @default 'ffmpeg' */
  ffmpegPath?: string
  /** every stderr line (analysis parses showinfo output from here) */
  onStderrLine?(line: string): void
  /** SIGTERM -> SIGKILL grace @default KILL_GRACE_MS */
  killGraceMs?: number
}

export interface RunFfmpegResult {
  /** the last lines ffmpeg wrote to stderr */
  stderrTail: string[]
  elapsedMs: number
}

/** process groups of the ffmpeg children still running, killed when this process exits */
const liveGroups = new Set<number>()
let exitHook = false

/** kills the child's whole process group (ffmpeg and anything it started); quiet when it is gone */
function killGroup (pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {}
}

/**
 * an exit of this process, orderly or not (an uncaught error, process.exit), takes its ffmpeg children
 * with it; SIGKILL of this process cannot be caught: the next start reaps those (clearWorkRoot in exec)
 */
function track (pid: number): void {
  liveGroups.add(pid)
  if (exitHook) return
  exitHook = true
  process.on('exit', () => { for (const group of liveGroups) killGroup(group, 'SIGKILL') })
}

/** stderr fragments that point at the machine, not at the media: worth a retry */
const TRANSIENT = /No space left on device|Cannot allocate memory|Resource temporarily unavailable|Too many open files/i

/**
 * Runs the program (ffmpeg by default) with an argv array, never through a shell, in a process group of
 * its own. stderr is drained continuously, keeping only the last lines; abort or timeout sends SIGTERM to
 * the group, then SIGKILL after a grace; the group is killed when this process exits.
 * Rejects with the signal's reason on abort, FfmpegTimeoutError on timeout, FfmpegError on a failed exit.
 */
export async function runFfmpeg (args: readonly string[], init: RunFfmpegInit = {}): Promise<RunFfmpegResult> {
  init.signal?.throwIfAborted()
  const program = init.ffmpegPath ?? DEFAULT_FFMPEG_PATH
  const timeoutMs = init.timeoutMs ?? DEFAULT_FFMPEG_TIMEOUT_MS
  const graceMs = init.killGraceMs ?? KILL_GRACE_MS
  const withProgress = init.onProgress != null
  const argv = withProgress ? ['-progress', 'pipe:1', '-nostats', ...args] : [...args]
  const started = Date.now()
  const tail: string[] = []
  // its own process group (detached: setsid), so the group can be killed whole, and a terminal's Ctrl-C
  // reaches the node, which stops its steps in order, not ffmpeg behind its back
  const child = spawn(program, argv, { stdio: ['ignore', withProgress ? 'pipe' : 'ignore', 'pipe'], detached: true })
  const pid = child.pid
  if (pid != null) track(pid)

  const lines = (onLine: (line: string) => void): (chunk: Buffer) => void => {
    let rest = ''
    return (chunk) => {
      const parts = (rest + chunk.toString('utf8')).split(/\r\n|\r|\n/)
      rest = parts.pop() ?? ''
      for (const line of parts) if (line.length > 0) onLine(line)
    }
  }
  child.stderr?.on('data', lines((line) => {
    tail.push(line)
    if (tail.length > STDERR_TAIL_LINES) tail.shift()
    init.onStderrLine?.(line)
  }))
  const duration = init.durationHint ?? 0
  child.stdout?.on('data', lines((line) => {
    // out_time_us is microseconds (out_time_ms too, despite its name, in ffmpeg 5)
    const match = /^out_time_us=(\d+)/.exec(line)
    if (match?.[1] != null && duration > 0) {
      init.onProgress?.(Math.min(1, Number(match[1]) / 1e6 / duration))
    } else if (line === 'progress=end') {
      init.onProgress?.(1)
    }
  }))

  let stopReason: 'abort' | 'timeout' | undefined
  let killTimer: NodeJS.Timeout | undefined
  const stop = (reason: 'abort' | 'timeout'): void => {
    if (stopReason != null || child.exitCode != null) return
    stopReason = reason
    if (pid != null) killGroup(pid, 'SIGTERM')
    killTimer = setTimeout(() => { if (pid != null) killGroup(pid, 'SIGKILL') }, graceMs)
    killTimer.unref()
  }
  const onAbort = (): void => { stop('abort') }
  init.signal?.addEventListener('abort', onAbort, { once: true })
  const timeoutTimer = setTimeout(() => { stop('timeout') }, timeoutMs)
  timeoutTimer.unref()

  try {
    const { code, signal } = await new Promise<{ code: number | null, signal: NodeJS.Signals | null }>((resolve, reject) => {
      child.once('error', (err) => { reject(new FfmpegSpawnError(`cannot start ${program}: ${err.message}`)) })
      child.once('close', (code, signal) => { resolve({ code, signal }) })
    })
    if (stopReason === 'abort') throw init.signal?.reason ?? new DOMException('aborted', 'AbortError')
    if (stopReason === 'timeout') throw new FfmpegTimeoutError(timeoutMs, tail.slice())
    if (code !== 0) {
      const what = signal != null ? `was killed by ${signal}` : `exited with code ${code}`
      // a clean non-zero exit means ffmpeg refused this media or these params: the same on any retry
      const deterministic = signal == null && !tail.some((line) => TRANSIENT.test(line))
      throw new FfmpegError(`${program} ${what}`, code, tail.slice(), deterministic)
    }
    return { stderrTail: tail.slice(), elapsedMs: Date.now() - started }
  } finally {
    if (pid != null) liveGroups.delete(pid)
    clearTimeout(timeoutTimer)
    if (killTimer != null) clearTimeout(killTimer)
    init.signal?.removeEventListener('abort', onAbort)
  }
}

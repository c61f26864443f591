import { readdir, readFile, rm } from 'node:fs/promises'
import { basename, join, sep } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Logger } from '../util/index.js'

/** the programs a step runs; only these are ever reaped */
const STEP_PROGRAMS = new Set(['ffmpeg', 'ffprobe'])
/** how long a reaped child gets to be gone before its dirs are removed anyway */
const REAP_WAIT_MS = 2_000

/**
 * Clears what a previous process of this data dir left in its work root: a node killed with SIGKILL
 * leaves its ffmpeg children running (nothing runs in a SIGKILLed process to stop them) and its step
 * dirs behind. A process is reaped only when it still is ffmpeg (or ffprobe) and its argv names a path
 * under `workRoot`: only a step of this data dir does both, so a pid reused by anything else is never
 * touched. The running processes are the record (/proc), so no pid file can be stale or missing.
 * Then every entry under `workRoot` is removed. A data dir is used by one node process at a time.
 */
export async function clearWorkRoot (workRoot: string, log: Logger): Promise<void> {
  const reaped = await leftoverChildren(workRoot)
  for (const pid of reaped) {
    log.warn({ pid }, 'killing an ffmpeg left running by a previous process of this data dir')
    try {
      process.kill(pid, 'SIGKILL')
    } catch {}
  }
  const deadline = Date.now() + REAP_WAIT_MS
  while ((await Promise.all(reaped.map(running))).some(Boolean) && Date.now() < deadline) await sleep(20)
  const entries = await readdir(workRoot).catch(() => [])
  if (entries.length > 0) log.info({ dirs: entries.length }, 'removing work dirs left by a previous process')
  await Promise.all(entries.map(async (name) => { await rm(join(workRoot, name), { recursive: true, force: true }) }))
}

async function leftoverChildren (workRoot: string): Promise<number[]> {
  const under = workRoot.endsWith(sep) ? workRoot : workRoot + sep
  const pids = (await readdir('/proc').catch(() => [])).filter((name) => /^\d+$/.test(name)).map(Number)
  const found: number[] = []
  await Promise.all(pids.map(async (pid) => {
    if (pid === process.pid) return
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0')
    if (STEP_PROGRAMS.has(basename(argv[0] ?? '')) && argv.some((arg) => arg.startsWith(under))) found.push(pid)
  }))
  return found
}

/** whether the process still runs: a killed one is a zombie until its new parent reaps it, which may take long */
async function running (pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '')
  return stat !== '' && stat[stat.lastIndexOf(')') + 2] !== 'Z'
}

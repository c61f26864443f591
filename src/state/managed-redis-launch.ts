import { spawn, type ChildProcess } from 'node:child_process'
import { ManagedRedisStartError, RedisNotInstalledError } from './errors.js'

/** redis-server could not bind its port: another process listens there */
export class PortTakenError extends Error {
  override name = 'PortTakenError'
}

/** Starts redis-server on its config file and resolves once it accepts connections */
export async function launch (binary: string, confFile: string, readyTimeoutMs: number, signal?: AbortSignal): Promise<ChildProcess> {
  const child = spawn(binary, [confFile], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const collect = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-4000) }
  let ready = (): void => {}
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new ManagedRedisStartError(`redis-server was not ready within ${readyTimeoutMs} ms: ${tail(output)}`))
      }, readyTimeoutMs)
      const onAbort = (): void => { reject(signal?.reason) }
      signal?.addEventListener('abort', onAbort, { once: true })
      const done = (err?: Error): void => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        if (err == null) resolve()
        else reject(err)
      }
      ready = () => { if (output.includes('Ready to accept connections')) done() }
      child.stdout?.on('data', ready)
      child.once('error', (err: NodeJS.ErrnoException) => {
        done(err.code === 'ENOENT'
          ? new RedisNotInstalledError(`${binary} was not found: install Redis (Debian: apt-get install redis-server) or set REDIS_URL to an existing Redis`)
          : new ManagedRedisStartError(`${binary} could not be started: ${err.message}`))
      })
      child.once('exit', (code, sig) => {
        done(output.includes('Address already in use')
          ? new PortTakenError()
          : new ManagedRedisStartError(`redis-server exited during startup (${sig ?? `code ${String(code)}`}): ${tail(output)}`))
      })
    })
  } catch (err) {
    if (child.exitCode == null && child.pid != null) child.kill('SIGKILL')
    throw err
  } finally {
    child.stdout?.off('data', collect)
    child.stderr?.off('data', collect)
    child.stdout?.off('data', ready)
  }
  // keep draining so a full pipe never blocks redis-server
  child.stdout?.resume()
  child.stderr?.resume()
  return child
}

function tail (output: string): string {
  const lines = output.trim().split('\n').slice(-5).join(' | ')
  return lines === '' ? '(no output)' : lines
}

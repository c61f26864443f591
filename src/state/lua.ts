import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'

export type ScriptArg = string | number

/** A Lua script run by EVALSHA, falling back to EVAL once when the server has not cached it yet */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown>
}

export function luaScript (source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex')
  return {
    async run (redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args)
      } catch (err) {
        if (err instanceof Error && err.message.startsWith('NOSCRIPT')) {
          return await redis.eval(source, keys.length, ...keys, ...args)
        }
        throw err
      }
    }
  }
}

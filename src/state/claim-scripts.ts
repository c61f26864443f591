import { luaScript } from './lua.js'

/** KEYS: claim, step error. ARGV: worker, lease ms. A new attempt clears the error of the previous one. */
export const CLAIM = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('DEL', KEYS[2])
  return 1
end
return 0`)

/** KEYS: claim. ARGV: worker, lease ms. Extends the lease only while the worker still owns the claim. */
export const RENEW = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`)

/** KEYS: claim. ARGV: worker. Deletes the claim only if the worker owns it. */
export const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`)
